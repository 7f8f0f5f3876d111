import type { FieldMeta } from '../../../../shared/models/index.ts';
import { SourceField } from '../remix/source-field.tsx';
import type { Draft } from './draft.ts';
import type { FieldProps } from './field-control.tsx';
import { PaletteField } from './palette-field.tsx';
import { SeedField } from './seed-field.tsx';
import { SizeField } from './size-field.tsx';
import { StyleCodesField } from './style-codes-field.tsx';

export function isSpecialWidget(field: FieldMeta): boolean {
  return (
    field.name === 'aspect_ratio' ||
    field.widget === 'seed' ||
    field.widget === 'palette' ||
    field.widget === 'style-codes' ||
    field.widget === 'image' ||
    field.widget === 'images'
  );
}

/** Fields whose widget is more than one input: each knows its parameter's shape. */
export function SpecialField(props: FieldProps & { draft: Draft }) {
  const { field } = props;
  if (field.name === 'aspect_ratio') return <SizeField {...props} />;
  switch (field.widget) {
    case 'seed':
      return <SeedField {...props} />;
    case 'palette':
      return <PaletteField {...props} />;
    case 'style-codes':
      return <StyleCodesField {...props} />;
    case 'image':
    case 'images':
      return <SourceField {...props} multiple={field.widget === 'images'} />;
    default:
      return null;
  }
}
