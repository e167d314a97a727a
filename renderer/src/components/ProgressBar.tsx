export function ProgressBar({ value, label, tone }: { value: number | null; label: string; tone: string }) {
  const indeterminate = value === null;
  return (
    <div
      className={`progress progress--${tone}${indeterminate ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      {...(indeterminate ? {} : { 'aria-valuenow': Math.round(value) })}
    >
      <div className="progress__fill" style={indeterminate ? undefined : { transform: `scaleX(${value / 100})` }} />
    </div>
  );
}
