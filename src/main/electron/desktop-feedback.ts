import { Notification, type BrowserWindow } from 'electron';
import type { JobEngine } from '../jobs/job-engine.ts';
import type { EventBus } from '../rpc/event-bus.ts';

/** Taskbar/dock progress while jobs run, and a notification when a batch ends while the user is away. */
export function setupDesktopFeedback(
  bus: EventBus,
  /** The running engine; null while the recovery screen is up (the runtime restarts services). */
  getEngine: () => JobEngine | null,
  getWindow: () => BrowserWindow | null,
): () => void {
  return bus.subscribe((event, payload) => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return;
    const engine = getEngine();
    if (event === 'jobs:changed' && engine) {
      const { active, fraction } = engine.progress();
      window.setProgressBar(active > 0 ? fraction : -1);
    }
    if (event === 'jobs:batchFinished' && !window.isFocused() && Notification.isSupported()) {
      const body = (payload as { message?: string }).message ?? 'Your images are ready.';
      const notification = new Notification({ title: 'Ideogram Studio', body });
      notification.on('click', () => window.show());
      notification.show();
    }
  });
}
