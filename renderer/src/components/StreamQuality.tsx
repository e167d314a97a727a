// The add dialog's "Video quality": for a single link, the host is asked (shortly after typing
// stops) whether it is an HLS or DASH stream with several variants; if so, the user may pick one.
// Never in the way: until an answer comes, or when the link is no stream or cannot be reached, the
// dialog adds as it always did (the best variant of a stream).
import { useEffect, useState } from 'react';
import { variantChoiceFor, type StreamDescription } from '../../../shared/stream';
import { transport } from '../api/current';

const ASK_AFTER_MS = 500;

type Look = { url: string; state: 'checking' } | { url: string; state: 'done'; description: StreamDescription };

/** What the host says about `url` (undefined: no single link, or not answered yet). */
function useStreamDescription(url: string | undefined): { checking: boolean; description?: StreamDescription } {
  const [look, setLook] = useState<Look | undefined>(undefined);
  useEffect(() => {
    if (!url) return;
    let current = true;
    const timer = setTimeout(() => {
      setLook({ url, state: 'checking' });
      void transport()
        .api.describeStream({ url })
        .then((reply) => {
          // An address that cannot be reached now is still added as asked; the download says why it fails.
          if (current) setLook({ url, state: 'done', description: reply.ok ? reply.value : { kind: null, variants: [] } });
        });
    }, ASK_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [url]);
  if (!url || look?.url !== url) return { checking: false };
  return look.state === 'checking' ? { checking: true } : { checking: false, description: look.description };
}

/** `value` is a variant choice for addDownloads' stream.variant ('best' when none was picked). */
export function StreamQuality({ url, value, onChange }: { url: string | undefined; value: string; onChange(variant: string): void }) {
  const { checking, description } = useStreamDescription(url);
  if (checking) {
    return (
      <p className="field__help" role="status" data-testid="stream-checking">
        Checking whether this link is a video stream…
      </p>
    );
  }
  const variants = description?.variants ?? [];
  if (!description?.kind || variants.length < 2) return null;
  const kind = description.kind === 'hls' ? 'an HLS' : 'a DASH';
  return (
    <div className="field">
      <label className="field__label" htmlFor="add-quality">
        Video quality
      </label>
      <select id="add-quality" className="input" aria-describedby="add-quality-help" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="best">Best: {variants[0]!.label}</option>
        {variants.map((variant, index) => {
          const choice = variantChoiceFor(variant, variants);
          return (
            <option key={index} value={choice}>
              {variant.label}
            </option>
          );
        })}
      </select>
      <span className="field__help" id="add-quality-help">
        This link is {kind} video stream with {variants.length} versions; Ferry saves the one you pick as one file.
      </span>
    </div>
  );
}
