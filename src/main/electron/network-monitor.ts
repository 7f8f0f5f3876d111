import { net } from 'electron';

/**
 * The OS's view of connectivity for the job engine. Electron has no change event for net.isOnline(),
 * so it is sampled; the engine also learns of outages from failed requests, this only makes it quicker.
 */
export function createNetworkMonitor(intervalMs = 3000) {
  return {
    isOnline: () => net.isOnline(),
    onChange(listener: () => void) {
      let last = net.isOnline();
      const timer = setInterval(() => {
        const now = net.isOnline();
        if (now !== last) {
          last = now;
          listener();
        }
      }, intervalMs);
      return () => clearInterval(timer);
    },
  };
}
