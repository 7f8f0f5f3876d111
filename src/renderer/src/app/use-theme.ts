import { useEffect } from 'react';
import { useSettings } from '../features/settings/settings-store.ts';

/** Resolves 'system' through the OS preference and keeps <html data-theme> in step with it. */
export function useTheme(): void {
  const theme = useSettings((state) => state.settings?.theme ?? 'system');
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}
