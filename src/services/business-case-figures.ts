/**
 * A business case's figures (results, sensitivity, switching values) worked out on a worker thread:
 * switching values evaluate a case a few hundred times, up to a second or so for a large case, and
 * on the thread that answers requests every other reader would wait for it.
 */
import type { Worker } from 'node:worker_threads';
import type { BusinessCaseInput } from '../domain/business-case/input.js';
import { type CaseResult, evaluate } from '../domain/business-case/evaluate.js';
import {
  type Sensitivity,
  sensitivity,
  type SwitchingValue,
  switchingValues,
} from '../domain/business-case/switching.js';
import { startThread } from '../platform/threads.js';
import { InputError, type Problem } from '../domain/errors.js';

export interface Figures {
  result: CaseResult;
  sensitivity: Sensitivity[];
  switchingValues: SwitchingValue[];
}

export interface FiguresAsked {
  id: number;
  input: BusinessCaseInput;
  names: Record<string, string>;
  sensitivityPercent: number;
}
export type FiguresAnswer =
  { id: number; figures: Figures } | { id: number; error: string; problems?: Problem[] };

/** The figures themselves, on whichever thread calls. */
export function workOutFigures(
  input: BusinessCaseInput,
  names: Record<string, string>,
  sensitivityPercent: number,
): Figures {
  const result = evaluate(input, names);
  return {
    result,
    sensitivity: sensitivity(input, sensitivityPercent),
    switchingValues: switchingValues(input, result),
  };
}

let worker: Worker | undefined;
let asked = 0;
const waiting = new Map<number, { resolve: (f: Figures) => void; reject: (e: Error) => void }>();

function figuresThread(): Worker {
  if (worker) return worker;
  const started = startThread(import.meta.url, './business-case-thread');
  started.on('message', (answer: FiguresAnswer) => {
    const waiter = waiting.get(answer.id);
    waiting.delete(answer.id);
    // Idle, the thread does not keep the process alive (a command ends when its work is done).
    if (!waiting.size) started.unref();
    if ('figures' in answer) waiter?.resolve(answer.figures);
    // A refusal stays a refusal, naming its fields, whichever thread found it.
    else
      waiter?.reject(
        answer.problems ? new InputError(answer.error, answer.problems) : new Error(answer.error),
      );
  });
  const lost = (error: Error) => {
    worker = undefined;
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  };
  started.on('error', lost);
  started.on('exit', (code) => lost(new Error(`The business-case thread stopped (exit code ${code})`)));
  worker = started;
  return started;
}

/** The figures, worked out on the business-case thread (one case at a time, in the order asked). */
export function figuresInThread(
  input: BusinessCaseInput,
  names: Record<string, string>,
  sensitivityPercent: number,
): Promise<Figures> {
  const thread = figuresThread();
  const id = ++asked;
  thread.ref();
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    thread.postMessage({ id, input, names, sensitivityPercent } satisfies FiguresAsked);
  });
}
