// High, normal or low: which queued transfer starts first (queue order decides within one level).
import type { TransferPriority } from '../../../shared/transfer';

const LABELS: Array<[TransferPriority, string]> = [
  ['high', 'High: starts before the others'],
  ['normal', 'Normal'],
  ['low', 'Low: starts after the others'],
];

export function PrioritySelect({ value, onChange, label }: { value: TransferPriority; onChange(priority: TransferPriority): void; label?: string }) {
  return (
    <select className="input input--compact" aria-label={label} value={value} onChange={(e) => onChange(e.target.value as TransferPriority)}>
      {LABELS.map(([level, text]) => (
        <option key={level} value={level}>
          {text}
        </option>
      ))}
    </select>
  );
}
