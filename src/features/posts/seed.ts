import { translate } from '../../core/i18n/index.ts';
import type { SeedContext } from '../../core/seed.ts';
import { savePost, type Intent, type PostInput } from './service.ts';

/*
 * Demo posts, written for Alongside. The organisation they speak for is fictional (demo); the
 * advice is general and points readers to the directory rather than to any real agency.
 */
const DAY = 86_400_000;

function input(over: Partial<PostInput> & Pick<PostInput, 'title' | 'body_md'>): PostInput {
  return {
    slug: '',
    excerpt: '',
    content_note: '',
    language: 'en',
    tags: '',
    publish_at: '',
    translation_of: '',
    cover_alt: '',
    ...over,
  };
}

export async function seedPosts({ db, clock, authors }: SeedContext): Promise<void> {
  const editor = { id: authors.editorId, role: 'editor' as const };
  const year = clock.now().getUTCFullYear();
  const posts: [PostInput, Intent][] = [
    [
      input({
        title: 'Support, not rescue: what it means in practice',
        slug: 'support-not-rescue',
        excerpt: 'Why we start from what people ask for, and never from what we think they should want.',
        tags: 'Support not rescue, Sex worker rights',
        body_md: `Some organisations measure success by how many people "leave" sex work. We do not. We measure it by whether the people who come to us got what they asked for: a safe place to sleep, a doctor who listened, a lawyer who explained their options, or simply someone who did not judge them.

## Three commitments

1. **We do not make help conditional.** Nobody has to stop working, give their real name or talk to the police to get support from us.
2. **Sex work and trafficking are different things.** We support people in both situations, and we never treat one as the other.
3. **The people we support shape what we do.** Our advisory group is made up of current and former sex workers, and it is paid for its time.

> Nothing about us without us.

If you are looking for a service near you, the [resource directory](/resources) lists organisations that share these commitments, and says for each one what it offers and on what terms.`,
      }),
      'publish',
    ],
    [
      input({
        title: 'Soutenir, pas sauver : ce que cela veut dire',
        slug: 'soutenir-pas-sauver',
        language: 'fr',
        translation_of: 'support-not-rescue',
        excerpt:
          'Pourquoi nous partons de ce que les personnes demandent, et jamais de ce que nous pensons qu’elles devraient vouloir.',
        tags: 'Support not rescue, Sex worker rights',
        body_md: `Certaines organisations mesurent leur réussite au nombre de personnes qui « sortent » du travail du sexe. Pas nous. Nous regardons si les personnes qui viennent nous voir ont obtenu ce qu’elles demandaient : un endroit sûr où dormir, un médecin qui écoute, un conseil juridique clair, ou simplement quelqu’un qui ne les juge pas.

## Trois engagements

1. **Notre aide n’est jamais conditionnelle.** Personne n’a à arrêter de travailler, à donner son vrai nom ou à parler à la police.
2. **Le travail du sexe et la traite sont deux choses différentes.** Nous soutenons les personnes dans les deux situations, sans confondre l’une avec l’autre.
3. **Les personnes concernées orientent notre travail.** Notre groupe consultatif est composé de travailleuses et travailleurs du sexe, rémunérés pour leur temps.

Le [répertoire des ressources](/resources) indique, pour chaque service, ce qu’il propose et à quelles conditions.`,
      }),
      'publish',
    ],
    [
      input({
        title: 'What our outreach team carries',
        slug: 'what-our-outreach-team-carries',
        excerpt: 'A look inside the bag: practical harm reduction on a night shift.',
        tags: 'Harm reduction, Outreach',
        content_note: 'mentions violence and police',
        body_md: `Our night outreach team walks the same streets every week. People know them, and that trust is the whole point. Here is what is in the bag, and why.

- **Water, snacks and warm socks.** Basic, and often the reason a conversation starts.
- **Condoms, lubricant and information on testing.** Offered, never pushed.
- **A "bad date" list.** Descriptions of people who have been violent, shared by workers themselves so others can stay away. It is passed on by word of mouth and on paper; we never put names or photos of the workers who report online.
- **Know-your-rights cards.** What to do if stopped by police, in five languages.

### What we do not carry

We carry no forms to sign and no camera. Nothing is written down about who we met.`,
      }),
      'publish',
    ],
    [
      input({
        title: '16 Days of Activism: five things anyone can do',
        slug: `sixteen-days-five-things-${year}`,
        excerpt: 'Small actions during the 16 Days that make a difference for sex workers facing violence.',
        tags: `16 days ${year}, Campaigns`,
        body_md: `From 25 November to 10 December, organisations around the world campaign against gender-based violence. Sex workers face high rates of violence and are among the least likely to be believed when they report it. Here are five things anyone can do:

1. **Listen before you act.** Read what sex worker-led groups are asking for.
2. **Challenge jokes and headlines** that treat violence against sex workers as less serious.
3. **Ask your local services** whether they turn people away for the work they do.
4. **Support decriminalisation** campaigns led by sex workers themselves.
5. **Pledge an action** on our campaign board and tell us how it went.`,
      }),
      'publish',
    ],
    [
      input({
        title: 'Coming soon: a guide to housing rights',
        slug: 'guide-to-housing-rights',
        excerpt: 'A plain-language guide, written with our advisory group.',
        tags: 'Housing, Legal',
        publish_at: new Date(clock.now().getTime() + 3 * DAY).toISOString().slice(0, 16),
        body_md:
          'This guide explains what a landlord may and may not do, and where to get free advice. (Demo content: scheduled to appear three days after the demo was created.)',
      }),
      'schedule',
    ],
  ];
  for (const [post, intent] of posts) {
    const result = await savePost(db, clock, editor, undefined, post, intent);
    if (!result.ok) throw new Error(`demo post "${post.title}": ${translate('en', result.message)}`);
  }
}
