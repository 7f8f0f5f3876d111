import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

interface ModalProps {
  title: string;
  open: boolean;
  onClose(): void;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
  /** Keys for the whole dialog (an image view's arrows), wherever the focus is inside it. */
  onKeyDown?(event: KeyboardEvent<HTMLDialogElement>): void;
}

/** A native <dialog>: the browser traps focus, closes on Escape and restores focus afterwards. */
export function Modal({ title, open, onClose, children, actions, className, onKeyDown }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-label={title}
      // A dialog opened inside this one (a family tree over an image) closes on its own: React passes
      // its close event up the component tree, which must not close this one too.
      onClose={(event) => event.target === event.currentTarget && onClose()}
      onKeyDown={onKeyDown}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      {open && (
        <>
          <div className="modal-header">
            <h2>{title}</h2>
            <div className="modal-actions">
              {actions}
              <button type="button" className="btn btn-icon" onClick={onClose} aria-label="Close">
                ✕
              </button>
            </div>
          </div>
          <div className="modal-body">{children}</div>
        </>
      )}
    </dialog>
  );
}
