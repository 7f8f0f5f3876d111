import { protocol } from 'electron';
import type { AppServices } from '../app-services.ts';
import { appScheme, createAppRequestHandler } from '../protocol/app-request-handler.ts';

/** Must run before `ready`: makes studio:// a secure, standard origin so 'self' in the CSP covers it. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function setupAppProtocol(services: AppServices, rendererDir: string): void {
  protocol.handle(appScheme, createAppRequestHandler(rendererDir, services.resolveMedia));
}
