import { protocol } from 'electron';
import { appScheme, createAppRequestHandler } from '../protocol/app-request-handler.ts';
import type { MediaFile } from '../web/web-host.ts';

/** Must run before `ready`: makes studio:// a secure, standard origin so 'self' in the CSP covers it. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function setupAppProtocol(
  resolveMedia: (path: string) => Promise<MediaFile>,
  rendererDir: string,
): void {
  protocol.handle(appScheme, createAppRequestHandler(rendererDir, resolveMedia));
}
