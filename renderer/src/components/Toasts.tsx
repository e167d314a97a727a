import { useUi } from '../store/ui-store';
import { Icon } from './icons';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast--${t.level}`} role={t.level === 'error' ? 'alert' : 'status'}>
          <Icon name={t.level === 'info' ? 'check' : 'alert'} />
          <span>{t.message}</span>
          {t.action && (
            <button type="button" className="btn btn--small toast__action" onClick={() => t.action!.run()}>
              {t.action.label}
            </button>
          )}
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => useUi.getState().dismissToast(t.id)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
