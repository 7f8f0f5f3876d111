import type { KeyStatus } from '../../shared/api/app.ts';

/**
 * Where the Segmind key rests. The Electron adapter encrypts it with the OS keychain (safeStorage);
 * without encryption it is only held for this session. There is deliberately no plaintext store.
 */
export interface KeyStore {
  read(): string | null;
  write(key: string): void;
  clear(): void;
  /** True when write() survives a restart (encrypted on disk). */
  readonly persistent: boolean;
}

export function createSessionKeyStore(): KeyStore {
  let key: string | null = null;
  return {
    read: () => key,
    write(next) {
      key = next;
    },
    clear() {
      key = null;
    },
    persistent: false,
  };
}

export interface KeyManager {
  current(): string | null;
  status(): KeyStatus;
  set(key: string): KeyStatus;
  clear(): KeyStatus;
}

/**
 * A key saved in Settings wins over SEGMIND_API_KEY: saving one is the user's latest word, and the only
 * way to replace an environment key Segmind refuses without restarting the app. Removing the saved key
 * goes back to the environment's.
 */
export function createKeyManager(store: KeyStore, envKey: string | undefined): KeyManager {
  const fromEnv = envKey?.trim() || null;
  function status(): KeyStatus {
    const stored = store.read();
    const key = stored ?? fromEnv;
    return {
      set: key !== null,
      last4: key ? key.slice(-4) : null,
      source: stored ? (store.persistent ? 'stored' : 'session') : fromEnv ? 'env' : null,
      encryptionAvailable: store.persistent,
      envLast4: fromEnv ? fromEnv.slice(-4) : null,
    };
  }
  return {
    current: () => store.read() ?? fromEnv,
    status,
    set(key) {
      store.write(key.trim());
      return status();
    },
    clear() {
      store.clear();
      return status();
    },
  };
}
