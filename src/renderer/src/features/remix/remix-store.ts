import { create } from 'zustand';
import { libraryLimits } from '../../../../shared/api/library.ts';
import { isHttpUrl, localImageRef } from '../../../../shared/models/index.ts';
import { call, mediaUrl } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';
import { formatBytes } from '../../lib/format.ts';
import { refusalOf } from './file-checks.ts';

/** The drag payload a library cell carries, so a drop zone can use the stored file as is. */
export const LIBRARY_DRAG_TYPE = 'application/x-ideogram-image';
export interface LibraryDragPayload {
  id: string;
  sha256: string;
  bytes: number;
  prompt: string;
}

export interface SourcePreview {
  /** An image URL the page may show (blob: or the app's media route), or null for remote URLs. */
  url: string | null;
  label: string;
  bytes: number | null;
}

interface Message {
  ok: boolean;
  text: string;
}

interface RemixState {
  previews: Record<string, SourcePreview>;
  messages: Record<string, Message | null>;
  busy: Record<string, boolean>;
  /** Checks and stores dropped files; returns the refs to put in the form. */
  addFiles(field: string, files: File[]): Promise<string[]>;
  addLibraryImage(field: string, image: LibraryDragPayload): string | null;
  addUrl(field: string, url: string): string | null;
  setMessage(field: string, message: Message | null): void;
}

export const useRemix = create<RemixState>()((set, get) => ({
  previews: {},
  messages: {},
  busy: {},
  setMessage: (field, message) => set({ messages: { ...get().messages, [field]: message } }),
  async addFiles(field, files) {
    const refs: string[] = [];
    const problems: string[] = [];
    set({ busy: { ...get().busy, [field]: true } });
    for (const file of files) {
      const refusal = refusalOf(file);
      if (refusal) {
        problems.push(refusal);
        continue;
      }
      try {
        const source = await call('library:addSource', {
          name: file.name,
          bytes: new Uint8Array(await file.arrayBuffer()),
        });
        const preview: SourcePreview = {
          url: URL.createObjectURL(file),
          label: file.name,
          bytes: source.bytes,
        };
        set({ previews: { ...get().previews, [source.ref]: preview } });
        refs.push(source.ref);
      } catch (error) {
        problems.push(`“${file.name}”: ${messageOf(error)}`);
      }
    }
    set({
      busy: { ...get().busy, [field]: false },
      messages: {
        ...get().messages,
        [field]: problems.length ? { ok: false, text: problems.join(' ') } : null,
      },
    });
    return refs;
  },
  addLibraryImage(field, image) {
    if (image.bytes > libraryLimits.maxSourceBytes) {
      get().setMessage(field, {
        ok: false,
        text: `That image is ${formatBytes(image.bytes)}; sources must be 10 MB or smaller.`,
      });
      return null;
    }
    const ref = localImageRef(image.sha256);
    const preview: SourcePreview = {
      url: mediaUrl(`/image/${image.id}/thumb`),
      label: image.prompt,
      bytes: image.bytes,
    };
    set({ previews: { ...get().previews, [ref]: preview } });
    get().setMessage(field, null);
    return ref;
  },
  addUrl(field, url) {
    const trimmed = url.trim();
    if (!isHttpUrl(trimmed)) {
      get().setMessage(field, {
        ok: false,
        text: 'That is not a web address: paste a URL starting with https://.',
      });
      return null;
    }
    // The page may not load remote images (strict CSP): Segmind fetches the URL itself.
    set({ previews: { ...get().previews, [trimmed]: { url: null, label: trimmed, bytes: null } } });
    get().setMessage(field, null);
    return trimmed;
  },
}));
