import type { PauseReason } from '../../shared/api/jobs.ts';

export interface PauseRule {
  /**
   * Polls and downloads of submitted jobs wait too. Otherwise only new submits wait: a result already
   * paid for keeps being fetched inside its hour whatever else is wrong (credits, a rate limit).
   */
  holdsPolls: boolean;
  /**
   * What Resume does: `clear` ends the pause; `probe` checks again at once (the network, a write to
   * the disk) and ends it if the check passes; `keep` leaves it to its owner (a new key).
   */
  onResume: 'clear' | 'probe' | 'keep';
  /** The banner's text when nothing more specific is known. */
  message: string;
  /**
   * The pause only tells: whoever set it holds jobs back one by one (the submitter asks the budget
   * guard about each job) and clears it when one may go, so the gate itself holds nothing.
   */
  heldPerJob?: true;
}

/** One row per pause: who ends it, and what it holds. */
export const pauseRules: Record<PauseReason, PauseRule> = {
  no_key: {
    holdsPolls: true,
    onResume: 'keep',
    message: 'No Segmind API key is set. Jobs wait until you add one.',
  },
  unauthorized: {
    holdsPolls: true,
    onResume: 'clear',
    message: 'Segmind refused the API key. Set a valid key; the queue resumes then.',
  },
  forbidden: {
    holdsPolls: false,
    onResume: 'clear',
    message: 'Segmind refused this account access to a model. Check the account, then resume the queue.',
  },
  out_of_credits: {
    holdsPolls: false,
    onResume: 'clear',
    message: 'The Segmind account is out of credits. Top up, then resume the queue.',
  },
  disk_full: {
    holdsPolls: true,
    onResume: 'probe',
    message: 'The data folder cannot be written. The queue resumes by itself once it can write again.',
  },
  offline: {
    holdsPolls: true,
    onResume: 'probe',
    message: 'Segmind cannot be reached. The queue checks again by itself and resumes when it can.',
  },
  rate_limited: {
    holdsPolls: false,
    onResume: 'clear',
    message: 'Segmind asked the app to slow down; the queue waits and resumes by itself.',
  },
  // Money (budget-guard.ts): a job whose estimate would cross a cap waits; paid jobs are still fetched.
  budget: {
    holdsPolls: false,
    onResume: 'keep',
    message: 'A budget in Settings is reached. Raise it or wait until it starts over.',
    heldPerJob: true,
  },
  // The user's own pause (kept across restarts, user-pause.ts): only their Resume ends it. Results
  // already paid for are still fetched, inside the hour Segmind keeps them.
  user: {
    holdsPolls: false,
    onResume: 'clear',
    message: 'You paused the queue. Nothing new is sent until you resume; jobs already sent finish.',
  },
};

/** The order the banner names them in: the one the user should fix first comes first. */
export const pausePriority: readonly PauseReason[] = [
  'no_key',
  'unauthorized',
  'forbidden',
  'out_of_credits',
  'disk_full',
  'offline',
  'budget',
  'user',
  'rate_limited',
];
