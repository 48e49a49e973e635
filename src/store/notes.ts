import type { Actor } from '../domain/audit.js';
import type { Sql } from './db.js';

export interface Note {
  id: number;
  author: string;
  text: string;
  createdAt: string;
}

export async function addNote(sql: Sql, partnershipId: number, actor: Actor, text: string): Promise<number> {
  const [row] = await sql.query<{ id: number }>(
    'INSERT INTO partnership_notes (partnership_id, user_id, author, text) VALUES ($1, $2, $3, $4) RETURNING id',
    [partnershipId, actor.userId ?? null, actor.name, text],
  );
  return row!.id;
}

/** A partnership's notes, newest first; callers show them to members only. */
export async function listNotes(sql: Sql, slug: string): Promise<Note[]> {
  return sql.query<Note>(
    `SELECT n.id, n.author, n.text, n.created_at AS "createdAt" FROM partnership_notes n
     JOIN partnerships p ON p.id = n.partnership_id WHERE p.slug = $1 ORDER BY n.created_at DESC, n.id DESC`,
    [slug],
  );
}
