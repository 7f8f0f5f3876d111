/** Where an image sits in the viewer: its scale (1 = 100 %, one image pixel per CSS pixel) and offset. */
export interface ZoomState {
  scale: number;
  /** Offset of the image's top-left corner from the viewport's, in CSS px. */
  x: number;
  y: number;
  /** 'fit' follows the viewport's size; any zoom or pan makes it 'free'. */
  mode: 'fit' | 'free';
}

export interface Size {
  width: number;
  height: number;
}

export const minScale = 0.05;
export const maxScale = 8;

/** The whole image in the viewport, centred; small images are enlarged too, as a lightbox does. */
export function fitted(image: Size, view: Size): ZoomState {
  const scale = Math.min(view.width / image.width, view.height / image.height);
  return centred(image, view, scale, 'fit');
}

export function centred(image: Size, view: Size, scale: number, mode: ZoomState['mode'] = 'free'): ZoomState {
  return {
    scale,
    x: (view.width - image.width * scale) / 2,
    y: (view.height - image.height * scale) / 2,
    mode,
  };
}

/**
 * Keeps the image from being dragged out of sight: along an axis where it is smaller than the
 * viewport it stays centred, where it is larger its edges may not come inside the viewport.
 */
export function clamped(state: ZoomState, image: Size, view: Size): ZoomState {
  const axis = (offset: number, length: number, room: number) =>
    length <= room ? (room - length) / 2 : Math.min(0, Math.max(room - length, offset));
  return {
    ...state,
    x: axis(state.x, image.width * state.scale, view.width),
    y: axis(state.y, image.height * state.scale, view.height),
  };
}

/** Zooms by `factor` keeping the image point under `at` (viewport px) where it is. */
export function zoomedAt(
  state: ZoomState,
  factor: number,
  at: { x: number; y: number },
  image: Size,
  view: Size,
) {
  const scale = Math.min(maxScale, Math.max(minScale, state.scale * factor));
  const ratio = scale / state.scale;
  return clamped(
    { scale, x: at.x - (at.x - state.x) * ratio, y: at.y - (at.y - state.y) * ratio, mode: 'free' },
    image,
    view,
  );
}

export function panned(state: ZoomState, dx: number, dy: number, image: Size, view: Size): ZoomState {
  return clamped({ ...state, x: state.x + dx, y: state.y + dy, mode: 'free' }, image, view);
}
