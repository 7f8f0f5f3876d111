import type Database from 'better-sqlite3';
import type { TextStatus } from '../../shared/api/library.ts';
import { maxReadTextChars, type PhraseVerdict, type TextCheck } from '../../shared/api/text-check.ts';
import { cached } from '../library/statement-cache.ts';

/** The SQL of the text check (tables of migration 007). Every value is bound. */

export interface CheckTarget {
  pk: number;
  id: string;
  prompt: string;
  textStatus: TextStatus | null;
  trashed: boolean;
}

export function targetOf(db: Database.Database, id: string): CheckTarget | undefined {
  const row = cached<
    [string],
    { pk: number; id: string; prompt: string; text_status: TextStatus | null; trashed_at: number | null }
  >(db, 'SELECT pk, id, prompt, text_status, trashed_at FROM images WHERE id = ?').get(id);
  return (
    row && {
      pk: row.pk,
      id: row.id,
      prompt: row.prompt,
      textStatus: row.text_status,
      trashed: row.trashed_at !== null,
    }
  );
}

export function setStatus(db: Database.Database, pk: number, status: TextStatus | null): void {
  cached(db, 'UPDATE images SET text_status = ? WHERE pk = ?').run(status, pk);
}

/** Live images whose check is due, newest first: what a quit or crash left unfinished. */
export function pendingIds(db: Database.Database): string[] {
  return cached<[], string>(
    db,
    "SELECT id FROM images WHERE trashed_at IS NULL AND text_status = 'pending' ORDER BY pk DESC",
  )
    .pluck()
    .all();
}

export interface CheckOutcome {
  status: 'ok' | 'attention' | 'failed';
  phrases: PhraseVerdict[];
  readText: string;
  engines: string[];
  error: string | null;
  checkedAt: number;
}

/** Replaces the image's check in one transaction: verdicts, summary status and searchable read text. */
export function saveCheck(db: Database.Database, pk: number, outcome: CheckOutcome): void {
  db.transaction(() => {
    cached(db, 'DELETE FROM text_checks WHERE image_pk = ?').run(pk);
    cached(db, 'INSERT INTO text_checks (image_pk, checked_at, engines, error) VALUES (?, ?, ?, ?)').run(
      pk,
      outcome.checkedAt,
      outcome.engines.join(','),
      outcome.error,
    );
    const insert = cached(
      db,
      'INSERT INTO text_check_phrases (image_pk, position, phrase, verdict, read) VALUES (?, ?, ?, ?, ?)',
    );
    outcome.phrases.forEach((p, position) => insert.run(pk, position, p.phrase, p.verdict, p.read));
    cached(db, 'UPDATE images SET text_status = ?, read_text = ? WHERE pk = ?').run(
      outcome.status,
      outcome.readText.slice(0, maxReadTextChars),
      pk,
    );
  })();
}

/** Forgets a check, for an image whose prompt (now) quotes nothing. */
export function clearCheck(db: Database.Database, pk: number): void {
  db.transaction(() => {
    cached(db, 'DELETE FROM text_checks WHERE image_pk = ?').run(pk);
    cached(db, "UPDATE images SET text_status = NULL, read_text = '' WHERE pk = ?").run(pk);
  })();
}

export function readCheck(db: Database.Database, target: CheckTarget): TextCheck {
  const check = cached<[number], { checked_at: number; engines: string; error: string | null }>(
    db,
    'SELECT checked_at, engines, error FROM text_checks WHERE image_pk = ?',
  ).get(target.pk);
  const pending = target.textStatus === 'pending';
  const phrases =
    check && !pending
      ? cached<[number], PhraseVerdict>(
          db,
          'SELECT phrase, verdict, read FROM text_check_phrases WHERE image_pk = ? ORDER BY position',
        ).all(target.pk)
      : [];
  const readText = cached<[number], string>(db, 'SELECT read_text FROM images WHERE pk = ?')
    .pluck()
    .get(target.pk);
  return {
    imageId: target.id,
    status: target.textStatus,
    phrases,
    readText: pending ? '' : (readText ?? ''),
    checkedAt: pending ? null : (check?.checked_at ?? null),
    engines: !pending && check ? check.engines.split(',').filter(Boolean) : [],
    error: pending ? null : (check?.error ?? null),
  };
}
