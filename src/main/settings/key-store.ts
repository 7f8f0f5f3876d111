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

/** SEGMIND_API_KEY in the environment wins over a stored key, as the README promises. */
export function createKeyManager(store: KeyStore, envKey: string | undefined): KeyManager {
  const fromEnv = envKey?.trim() || null;
  function status(): KeyStatus {
    const stored = store.read();
    const key = fromEnv ?? stored;
    return {
      set: key !== null,
      last4: key ? key.slice(-4) : null,
      source: fromEnv ? 'env' : stored ? (store.persistent ? 'stored' : 'session') : null,
      encryptionAvailable: store.persistent,
    };
  }
  return {
    current: () => fromEnv ?? store.read(),
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
