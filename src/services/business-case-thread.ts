/**
 * The worker thread's side of working out a business case's figures, started by
 * business-case-figures.ts: each message is a case to work out, answered with its figures or the
 * reason it could not be.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../domain/errors.js';
import type { BusinessCaseInput } from '../domain/business-case/input.js';
import type { FiguresAsked, FiguresAnswer } from './business-case-figures.js';
import { workOutFigures } from './business-case-figures.js';

const port = parentPort as NonNullable<typeof parentPort>;
port.on('message', ({ id, input, names, sensitivityPercent }: FiguresAsked) => {
  let answer: FiguresAnswer;
  try {
    answer = { id, figures: workOutFigures(input as BusinessCaseInput, names, sensitivityPercent) };
  } catch (error) {
    answer = {
      id,
      error: error instanceof Error ? error.message : String(error),
      ...(error instanceof InputError ? { problems: error.problems } : {}),
    };
  }
  port.postMessage(answer);
});
