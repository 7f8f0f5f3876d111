import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The base styles first: feature styles, imported by the components, build on them.
import './app/theme.css';
import './app/layout.css';
import { App } from './app/app.tsx';
import { missingToken } from './bridge/api.ts';
import { SessionNotice } from './bridge/session-notice.tsx';
import { RecoveryGate } from './features/recovery/recovery-gate.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
if (missingToken) {
  createRoot(root).render(<SessionNotice />);
} else {
  createRoot(root).render(
    <StrictMode>
      <RecoveryGate>
        <App />
      </RecoveryGate>
    </StrictMode>,
  );
}
