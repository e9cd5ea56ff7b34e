import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The local state file, opened the way every process that shares it must:
 * WAL (readers do not block the writer), and writers wait for each other
 * instead of failing with SQLITE_BUSY.
 */
export function openSqliteFile(file: string, schema: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.exec(schema);
  return db;
}
