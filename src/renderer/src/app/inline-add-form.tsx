import { useId, useState } from 'react';

interface InlineAddFormProps {
  /** The input's accessible name. */
  label: string;
  placeholder: string;
  button: string;
  /** Resolves once the value is stored; the box is emptied then. */
  onAdd(value: string): Promise<unknown>;
}

/** One text box and one button that adds what was typed (a tag, a collection name...). */
export function InlineAddForm({ label, placeholder, button, onAdd }: InlineAddFormProps) {
  const id = useId();
  const [value, setValue] = useState('');
  return (
    <form
      className="inline-row"
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = value.trim();
        if (trimmed) void onAdd(trimmed).then(() => setValue(''));
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        className="input input-small"
        placeholder={placeholder}
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit" className="btn btn-small" disabled={!value.trim()}>
        {button}
      </button>
    </form>
  );
}
