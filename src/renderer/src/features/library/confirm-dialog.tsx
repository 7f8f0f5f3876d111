import { Modal } from '../../app/modal.tsx';

interface ConfirmDialogProps {
  title: string;
  open: boolean;
  message: string;
  confirm: string;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A confirmation for what cannot be undone. Cancel has the focus, so a stray Enter keeps everything;
 * the destructive button says exactly what it does.
 */
export function ConfirmDialog({ title, open, message, confirm, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Modal title={title} open={open} onClose={onCancel} className="confirm-modal">
      <p>{message}</p>
      <div className="confirm-actions">
        {/* oxlint-disable-next-line jsx-a11y/no-autofocus -- the safe choice must be the default one */}
        <button type="button" className="btn" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
