const storageKey = 'ideogram-studio-token';

export interface TokenPlace {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * Browser mode's run token. The printed URL carries it in the fragment (`#token=`), which no browser
 * sends to any server; the page moves it into this origin's session storage and takes it out of the
 * address bar at once, so it is not left in history or on screen. Session storage belongs to one
 * origin, scheme, host and port: a server on another loopback port can never read it, and two studios
 * in one browser each keep their own. A reload keeps it; a tab opened without it asks for the URL.
 */
export function takeSessionToken(place: TokenPlace): string | null {
  const match = /(?:^#|&)token=([^&]*)/.exec(place.location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    try {
      place.storage?.setItem(storageKey, token);
    } catch {
      // Storage refused (a private window with storage off): the token lives in memory for this load.
    }
    place.history.replaceState(place.history.state, '', place.location.pathname + place.location.search);
    return token;
  }
  try {
    return place.storage?.getItem(storageKey) ?? null;
  } catch {
    return null;
  }
}

/** Session storage when the page may use it; reading the property itself throws where it is blocked. */
export function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
