// esbuild plugin for the CLI bundle: @sindresorhus/is (got's argument checker) builds two
// Intl.ListFormat objects when it is loaded, only to word error messages about wrong argument
// types. Building one makes V8 read ICU's locale data: ~6 MB more resident memory in every ferry
// process (issue 9's memory row), for messages a working ferry never builds. The plugin makes
// them build on first use instead; the messages stay the same. If a new version of the package
// words these lines differently, the build says so and bundles it unchanged.
import { readFile } from 'node:fs/promises';

const EAGER = /const (andFormatter|orFormatter) = new Intl\.ListFormat\(('en', \{[^}]*\})\);/g;

export const lazyListFormat = {
  name: 'lazy-list-format',
  setup(build) {
    build.onLoad({ filter: /[\\/]@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      let replaced = 0;
      const contents = source.replace(EAGER, (_match, name, options) => {
        replaced++;
        return `const ${name} = (() => { let made; return { format: (list) => (made ??= new Intl.ListFormat(${options})).format(list) }; })();`;
      });
      if (replaced !== 2) {
        return { contents: source, loader: 'js', warnings: [{ text: `lazy-list-format: expected 2 eager Intl.ListFormat in ${args.path}, found ${replaced}; bundled unchanged` }] };
      }
      return { contents, loader: 'js' };
    });
  },
};
