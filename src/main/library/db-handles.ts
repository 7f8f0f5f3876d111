import type Database from 'better-sqlite3';

declare const readable: unique symbol;
declare const writable: unique symbol;

/**
 * Connection types that say what a function may do (Signal's ReadableDB / WritableDB idea): query
 * functions take a ReadableDB, so they run as well on the SQL worker's read-only connection as on
 * main's; anything that writes takes a WritableDB, which only main's own connection is.
 */
export type ReadableDB = Database.Database & { readonly [readable]: true };
export type WritableDB = ReadableDB & { readonly [writable]: true };

/** Main's connection, opened read-write with the migrations applied. */
export const asWritable = (db: Database.Database): WritableDB => db as WritableDB;

/** A connection opened with { readonly: true }. */
export const asReadable = (db: Database.Database): ReadableDB => db as ReadableDB;
