import { safeStorage } from 'electron';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSessionKeyStore, type KeyStore } from '../settings/key-store.ts';

/**
 * The key encrypted by the OS keychain (DPAPI, Keychain, libsecret/kwallet) in the data folder. Where
 * the OS offers no encryption (or only Linux's hard-coded "basic_text" password) the key is held for
 * this session only and the UI says so: a key on disk in the clear is never an option.
 */
export function createSafeStorageKeyStore(dataDir: string): KeyStore {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text' || backend === 'unknown') {
    return createSessionKeyStore();
  }
  const file = join(dataDir, 'api-key.bin');
  return {
    persistent: true,
    read() {
      try {
        return safeStorage.decryptString(readFileSync(file));
      } catch {
        return null;
      }
    },
    write(key) {
      const temp = `${file}.tmp`;
      writeFileSync(temp, safeStorage.encryptString(key), { mode: 0o600 });
      renameSync(temp, file);
    },
    clear() {
      rmSync(file, { force: true });
    },
  };
}
