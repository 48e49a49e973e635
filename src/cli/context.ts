import type { Command } from 'commander';
import type { Actor } from '../domain/audit.js';
import type { Database } from '../store/db.js';

/** What every command module is given by main.ts: the program and the store its options name. */
export interface Cli {
  program: Command;
  /** Changes made from the command line are the server operator's, named by their login. */
  operator: Actor;
  /** Opens the store named by the global options, brought up to date, and closes it afterwards. */
  withDatabase<T>(work: (db: Database, migrationsApplied: number[]) => Promise<T>): Promise<T>;
  /** Opens the store named by the global options and leaves it open: for the server. */
  openStore(): Promise<{ db: Database; dataDir: string }>;
}
