import { z } from 'zod';
import { MAX_PROMPT_CHARS } from '../models/index.ts';
import { defineMethod } from '../rpc.ts';
import { Budgets } from './spend.ts';

export const Theme = z.enum(['system', 'light', 'dark']);

/** Segmind's documented plans: 5 requests a minute on Free, 50 on Pro; custom for enterprise. */
export const ratePlans = { free: 5, pro: 50 } as const;

/**
 * The account's rate limit as the user knows it. Submits are spaced under it; whether status polls
 * count is not documented by Segmind, so the user says (and the poller then keeps inside it too).
 */
export const RateLimitChoice = z.object({
  plan: z.enum(['none', 'free', 'pro', 'custom']),
  customPerMinute: z.number().int().min(1).max(10_000),
  pollsCount: z.boolean(),
});
export type RateLimitChoice = z.infer<typeof RateLimitChoice>;

/** Requests a minute the choice allows, or null when no limit is set. */
export function perMinuteOf(choice: RateLimitChoice): number | null {
  if (choice.plan === 'none') return null;
  return choice.plan === 'custom' ? choice.customPerMinute : ratePlans[choice.plan];
}

/** The settings the page may read and change. Window bounds and the key are main's alone. */
export const Settings = z.object({
  concurrency: z.number().int().min(1).max(8),
  theme: Theme,
  /** 'auto' uses the simulator only while no key is set; 'always' keeps it on even with a key. */
  simulator: z.enum(['auto', 'always']),
  /** Last parameters per model, so the form comes back as the user left it. */
  lastParams: z.record(z.string().max(64), z.record(z.string(), z.unknown())),
  promptHistory: z.array(z.string().max(MAX_PROMPT_CHARS)).max(100),
  /** Daily and monthly caps in USD: a job whose estimate would cross one waits in the queue. */
  budgets: Budgets,
  /** An action that makes several jobs (variations, batches) asks first when it costs more than this. */
  askAboveUsd: z.number().min(0).max(1_000_000),
  /** Prices per image the user knows better than the table: `model:tier` -> USD. */
  priceOverrides: z.record(z.string().max(64), z.number().min(0).max(100)),
  /** Images in the trash longer than this many days are deleted for good at start; 0 keeps them. */
  trashDays: z.number().int().min(0).max(3650),
  rateLimit: RateLimitChoice,
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();

export const KeyStatus = z.object({
  set: z.boolean(),
  /** Only ever the last four characters: the key itself never leaves main. */
  last4: z.string().max(4).nullable(),
  /** Where the key in use comes from: SEGMIND_API_KEY, or one saved in Settings (kept, or this session only). */
  source: z.enum(['env', 'stored', 'session']).nullable(),
  /** False when the OS offers no encryption: the key then lives for this session only. */
  encryptionAvailable: z.boolean(),
  /** SEGMIND_API_KEY's last four when it is set, in use or not (a key saved in Settings wins over it). */
  envLast4: z.string().max(4).nullable(),
});
export type KeyStatus = z.infer<typeof KeyStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** 'simulator' means every image is made by the built-in stand-in for Segmind. */
  mode: z.enum(['live', 'simulator']),
  apiOrigin: z.string(),
  dataDir: z.string(),
  transport: z.enum(['electron', 'web']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const NoInput = z.object({}).strict().optional();

export const appApi = {
  'app:info': defineMethod(NoInput, AppInfo),
  'settings:get': defineMethod(NoInput, Settings),
  'settings:update': defineMethod(SettingsPatch, Settings),
  'key:status': defineMethod(NoInput, KeyStatus),
  'key:set': defineMethod(z.object({ key: z.string().trim().min(8).max(512) }).strict(), KeyStatus),
  'key:clear': defineMethod(NoInput, KeyStatus),
  'key:test': defineMethod(NoInput, z.object({ ok: z.boolean(), message: z.string() })),
};

export const appEvents = {
  'app:info': AppInfo,
  'settings:changed': Settings,
};
