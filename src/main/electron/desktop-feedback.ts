import { Notification, type BrowserWindow } from 'electron';
import { createFeedbackPlan } from '../batches/desktop-feedback-plan.ts';
import type { JobEngine } from '../jobs/job-engine.ts';
import type { EventBus } from '../rpc/event-bus.ts';

/**
 * Taskbar/dock progress while jobs run, and a notification when a batch ends (or the queue runs dry)
 * while the user is away; what to show is decided by desktop-feedback-plan.ts.
 */
export function setupDesktopFeedback(
  bus: EventBus,
  /** The running engine; null while the recovery screen is up (the runtime restarts services). */
  getEngine: () => JobEngine | null,
  getWindow: () => BrowserWindow | null,
): () => void {
  const plan = createFeedbackPlan(() => getEngine()?.progress() ?? null);
  return bus.subscribe((event, payload) => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return;
    const step = plan.step(event, payload);
    if (step.progress !== undefined) window.setProgressBar(step.progress);
    if (step.notification && !window.isFocused() && Notification.isSupported()) {
      const notification = new Notification(step.notification);
      notification.on('click', () => window.show());
      notification.show();
    }
  });
}
