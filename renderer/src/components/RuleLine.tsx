// The add dialog's word on the rules (Settings › Rules): which one files these links and where,
// judged by the name in each link (the server's final name decides in the end), and a way to
// override it: save into the download folder itself. A folder chosen in the dialog wins anyway.
import { chooseRule, fileNameOfUrl } from '../../../shared/rule-match';
import { useTransfers } from '../store/transfers-store';

export function RuleLine({ urls, directory, onOverride }: { urls: string[]; directory: string; onOverride(folder: string): void }) {
  const settings = useTransfers((s) => s.settings);
  if (!settings || urls.length === 0) return null;
  if (directory !== '') {
    return settings.rules.some((r) => r.enabled) ? <span className="field__help">The folder you chose wins over the rules.</span> : null;
  }
  const choices = urls.map((url) => chooseRule(settings.rules, settings.downloadDirectory, { fileName: fileNameOfUrl(url), url }));
  const first = choices[0];
  const override = (
    <button type="button" className="btn btn--small" onClick={() => onOverride(settings.downloadDirectory)}>
      Use the download folder
    </button>
  );
  if (urls.length === 1) {
    if (!first) return null;
    return (
      <span className="field__help add-rule" role="status" data-testid="rule-line">
        <span>
          Rule: <strong>{first.rule.name}</strong> → <code>{first.folder}</code>
        </span>
        {override}
      </span>
    );
  }
  const counts = new Map<string, number>();
  for (const choice of choices) if (choice) counts.set(choice.rule.name, (counts.get(choice.rule.name) ?? 0) + 1);
  if (counts.size === 0) return null;
  const named = [...counts].map(([name, n]) => `${name} (${n})`).join(', ');
  const rest = choices.filter((c) => !c).length;
  return (
    <span className="field__help add-rule" role="status" data-testid="rule-line">
      <span>
        Rules: {named}
        {rest > 0 ? `; ${rest} into the download folder` : ''}
      </span>
      {override}
    </span>
  );
}
