import type { PageContext } from '../../core/views/context.ts';
import { Layout } from '../../core/views/layout.tsx';

/** Plain words on what quick exit does and does not hide, and how to browse more safely. */
export function SafetyPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout
      ctx={ctx}
      title="Staying safe on this site"
      head={{ description: 'What quick exit can and cannot hide, and how to browse more safely.' }}
    >
      <h1>Staying safe on this site</h1>
      <h2>Quick exit</h2>
      <p>
        Every page has an <strong>Exit this page</strong> button. You can also press the <kbd>Shift</kbd> key three
        times within five seconds. Either way, the page goes blank at once and your browser opens an everyday website in
        its place. Where your browser allows it, the back button will not bring this site back.
      </p>
      <h2>What quick exit cannot hide</h2>
      <ul>
        <li>
          Your <strong>browser history</strong> still lists the pages you visited here. Quick exit cannot delete
          history: only you can, from your browser’s settings.
        </li>
        <li>Someone watching your screen, or software installed on your device to monitor it.</li>
        <li>Records kept by your internet provider, your employer’s network or a shared Wi-Fi network.</li>
      </ul>
      <h2>Browsing more safely</h2>
      <ul>
        <li>
          Use a <strong>private or incognito window</strong>: when you close it, the browser forgets the pages you
          opened in it.
        </li>
        <li>
          Clear your history afterwards if you cannot use a private window; remove only the entries for this site if a
          gap would be noticed.
        </li>
        <li>Use a device and a connection you trust, such as a library computer, a friend’s phone or mobile data.</li>
        <li>The Tor Browser hides which sites you visit from your network.</li>
      </ul>
      <h2>What this site keeps</h2>
      <p>
        This site sets no cookies for visitors, runs no analytics and loads nothing from other websites. It does not
        record your IP address or which browser you use. If you start a training course, the only thing kept is your
        progress, under a code you choose to save. Comments and suggestions keep only what you type in them.
      </p>
    </Layout>
  );
}
