import { valueOf } from '../../core/result.ts';
import type { SeedContext } from '../../core/seed.ts';
import * as authoring from './authoring.ts';

/*
 * Demo course, written for Alongside: "Supporting, not rescuing". Built through the same
 * authoring service trainers use, then published as version 1.
 */
interface DemoQuestion {
  kind: 'single' | 'multiple' | 'reflection';
  prompt: string;
  options?: string;
}
interface DemoLesson {
  slug: string;
  title: string;
  body: string;
  questions: DemoQuestion[];
  isRequired?: boolean;
}

const MODULES: { title: string; lessons: DemoLesson[] }[] = [
  {
    title: 'Where we start from',
    lessons: [
      {
        slug: 'why-not-rescue',
        title: 'Why “rescue” so often fails',
        body: `“Rescue” stories are simple: someone is in danger, someone else arrives, takes them away, and the story ends. Real lives do not end at the door of a raid or a shelter.

When people who sell sex, or people being exploited, are removed from a situation without their agreement, they often lose what little control they had: their income, their housing, their phone, their immigration status, the people they trust. Many go back, or end up somewhere worse, and they learn that services are something to avoid.

**Supporting, not rescuing** means:

- the person decides what happens next, at their own pace;
- you offer options and information, not conditions;
- you stay available even when they make a choice you would not make;
- you never contact police, immigration or family on their behalf without their clear agreement, except where the law leaves you no choice — and then you tell them first.

This is not doing less. It is the slower work that people actually come back to.`,
        questions: [
          {
            kind: 'single',
            prompt:
              'A woman you support tells you her situation at work is “not great” but she wants to keep working. What is the most supportive first step?',
            options: `- Call the police so they can assess the workplace | Acting without her agreement takes away her control and can put her at greater risk, for example of losing her income or her housing.
* Ask what would make things safer for her, and what she would like from you | She is the expert in her own life; starting from her priorities builds the trust that further support depends on.
- Tell her you can only help if she stops working | Conditions like this push people away from services exactly when they might need them most.`,
          },
          {
            kind: 'multiple',
            prompt: 'Which of these can be harms of an unwanted “rescue”?',
            options: `* Losing income and housing | Sudden removal often cuts people off from the money that pays rent and supports family.
* Losing trust in support services | People who have been “rescued” against their wishes often avoid services afterwards.
* Exposure to immigration enforcement | Raids and referrals can bring people to the attention of immigration authorities, a risk many are most afraid of.
- Gaining more choice over what happens next | This is what support aims for; unwanted rescue usually does the opposite.`,
          },
          {
            kind: 'reflection',
            prompt:
              'Think of a time someone “helped” you in a way you had not asked for. How did it feel, and what would you have wanted instead?',
          },
        ],
      },
      {
        slug: 'sex-work-and-trafficking',
        title: 'Sex work and trafficking are different things',
        body: `Sex work is the exchange of sexual services between adults who agree to it, for money or goods. Trafficking is about **coercion and exploitation**: someone is recruited, moved or held by force, fraud or abuse of their vulnerability, so that others can profit from their work.

Treating the two as the same causes harm in both directions:

- sex workers are treated as victims whether or not they are, lose control of their work, and are pushed away from health and legal support;
- people who *are* being exploited are harder to find, because the people best placed to notice — other workers, clients, outreach teams — are driven away or afraid to speak.

Trafficking also happens in farming, construction, domestic work, cleaning, nail bars and many other places. Exploitation is about what is done to a person, not about the kind of work.

Some people move between these situations over time. Listen to how a person describes their own experience, and use their words.`,
        questions: [
          {
            kind: 'single',
            prompt: 'What is the defining feature of trafficking?',
            options: `- Selling sex | Selling sex between consenting adults is sex work. Trafficking can happen in any industry.
* Coercion, deception or abuse of vulnerability for someone else's profit | Yes: trafficking is defined by the means used to control a person and exploit their work.
- Crossing a border | Many trafficked people never cross a border, and most people who migrate for work are not trafficked.`,
          },
          {
            kind: 'single',
            prompt:
              'A client of your service describes her work as “my job” and asks about tax. How should you describe her in your notes?',
            options: `- As a trafficking victim, to be safe | Labelling her against her own description is inaccurate and can cause harm if records are shared.
* In her own terms: as someone doing sex work who asked for tax advice | Recording people in their own words respects them and keeps records accurate.
- As “at risk” without explanation | Vague labels follow people and can trigger interventions they did not want.`,
          },
          {
            kind: 'reflection',
            prompt:
              'Which words do you, your team or your organisation use for people who sell sex? Which would you keep, and which would you change?',
          },
        ],
      },
    ],
  },
  {
    title: 'In practice',
    lessons: [
      {
        slug: 'harm-reduction',
        title: 'Harm reduction in everyday support',
        body: `Harm reduction meets people where they are. It asks “what would make today a little safer?” rather than “what must you give up before we help?”.

In practice this can look like:

- information about rights at work, safer working practices and how to screen clients;
- sexual health services that are free, confidential and do not ask for a name;
- help keeping a phone, ID documents and money somewhere the person controls;
- ways to report violence that do not require going to the police;
- staying in touch, because a relationship of trust is what makes later choices possible.

None of this means approving of every situation. It means refusing to make support conditional on a change the person has not chosen.`,
        questions: [
          {
            kind: 'multiple',
            prompt: 'Which are examples of harm reduction?',
            options: `* Offering confidential sexual health testing without asking for a name | This lowers the barrier to care for people who fear being identified.
* Sharing tips on screening clients and working with a buddy | Practical safety information reduces the risk of violence.
- Offering housing only to people who agree to stop sex work | Making support conditional is the opposite of meeting people where they are.
* Helping someone keep their ID documents somewhere they control | Control of documents protects against a common form of coercion.`,
          },
          {
            kind: 'single',
            prompt: 'Someone tells you they will keep working in a place you think is unsafe. What do you do?',
            options: `- End contact until they change their mind | Withdrawing support leaves the person more isolated and less safe.
- Report the workplace without telling them | This can expose them to the very harms they are trying to avoid, and destroys trust.
* Respect the choice, share what could make it safer, and make sure they know how to reach you | You keep the door open and help them reduce risk on their own terms.`,
          },
        ],
      },
      {
        slug: 'consent-and-power',
        title: 'Consent and power in helping relationships',
        body: `Every helping relationship has a power imbalance. You may control access to housing, money, documents, referrals or simply a warm room. People notice this even when you do not.

Consent in support work means the person understands what you will do, what will happen with what they tell you, and that they can say no without losing your help.

Some habits that keep power in check:

1. **Explain confidentiality honestly**, including its limits, before someone tells you their story — not after.
2. **Ask before every referral** and before sharing any information, even with a partner agency.
3. **Offer choices**, not a single path: “we could do A or B, or neither for now”.
4. **Notice pressure**: gratitude, fear or exhaustion can make “yes” mean “I feel I have to”.
5. **Make it easy to complain** and to change worker.`,
        questions: [
          {
            kind: 'single',
            prompt: 'When should you explain the limits of confidentiality?',
            options: `* Before the person shares their story | People can only give meaningful consent to what they tell you if they know where it may go.
- Only if a safeguarding concern comes up | By then the person has already shared without knowing the consequences.
- Never, so people feel free to talk | Hiding the limits is a breach of trust when they later apply.`,
          },
          {
            kind: 'multiple',
            prompt: 'Which of these can make a “yes” less free?',
            options: `* Feeling grateful to the worker | Gratitude can make it hard to refuse someone who has helped you.
* Fear of losing a service | If help feels conditional, people agree to things they do not want.
* Exhaustion or crisis | People in crisis often agree to whatever ends the conversation.
- Having time to think and a clear option to say no | This is what makes consent meaningful.`,
          },
          {
            kind: 'reflection',
            prompt:
              'What power do you hold in your role? Write down one thing you could do this week to share some of it.',
          },
        ],
      },
      {
        slug: 'when-someone-is-being-exploited',
        title: 'When someone tells you they are being exploited',
        body: `If someone tells you they are being forced, threatened, or cannot leave, your first job is to listen and believe them. Your second is to help them understand their options — and to let them choose.

- **Safety first, on their terms.** Ask what would make them safer right now. Do not assume leaving today is the safest option; for some people it is the most dangerous moment.
- **Explain what each option involves.** Specialist trafficking support, legal advice, health care, or simply a plan to stay in touch. Be honest about what each service will ask of them, including any contact with police or immigration.
- **Do not investigate.** You are not the police. Gathering “evidence” can put the person and you at risk.
- **Keep records minimal and accurate**, in their words, and tell them what you wrote.
- **Look after yourself** and use supervision: hearing these stories is heavy.

Many people need several conversations before they decide anything. Staying reachable is support.`,
        questions: [
          {
            kind: 'single',
            prompt:
              'A man tells you his employer holds his passport and he owes a “debt” he cannot repay. He is frightened of the police. What is your best response?',
            options: `- Call the police immediately, because this is a crime | Acting against his expressed fear may put him at risk and will likely end his trust in you.
* Listen, explain the specialist and legal support available and what each involves, and agree next steps with him | He gets accurate information and keeps control over what happens.
- Try to get the passport back yourself | Confronting an exploiter can put him and you in danger.`,
          },
          {
            kind: 'single',
            prompt: 'Why might leaving “today” not be the safest option?',
            options: `* Exploiters may react violently to an attempt to leave, or threaten family | Planning a safe exit, with the person deciding when, reduces this risk.
- Because people who are exploited do not really want to leave | Many do want to leave; the question is how and when it can be done safely.
- Because services are never available at short notice | Emergency support exists; the issue is the person's safety and choice.`,
          },
        ],
      },
      {
        slug: 'looking-after-yourself',
        title: 'Looking after yourself and your team',
        isRequired: false,
        body: `Supporting people through exploitation, violence and loss affects the people doing the supporting. Signs include trouble sleeping, feeling numb or hopeless, or wanting to “fix” situations by taking control.

Good practice is collective: regular supervision, debriefs after difficult conversations, reasonable caseloads, and a culture where saying “this got to me” is normal. Taking care of yourself is part of doing this work well, not a distraction from it.`,
        questions: [
          {
            kind: 'reflection',
            prompt:
              'Who do you talk to after a hard day at work? Is there anything you would like to ask your team or manager for?',
          },
        ],
      },
    ],
  },
];

export async function seedTraining(ctx: SeedContext): Promise<void> {
  const deps: authoring.AuthoringDeps = { db: ctx.db, clock: ctx.clock };
  const actor = { id: ctx.authors.adminId, role: 'admin' as const };
  const must = valueOf;
  const courseId = must(
    await authoring.createCourse(deps, actor, {
      slug: 'supporting-not-rescuing',
      title: 'Supporting, not rescuing',
      summary:
        'How to support people who sell sex and people experiencing trafficking on their own terms: keeping sex work and trafficking apart, harm reduction, consent and power, and what to do when someone tells you they are being exploited.',
      audience: 'Frontline workers, volunteers and allies',
      language: 'en',
      minutes: '60',
    }),
  );
  let revision = 1;
  for (const m of MODULES) {
    const moduleId = must(await authoring.addModule(deps, actor, courseId, revision++, m.title));
    for (const l of m.lessons) {
      const lessonId = must(
        await authoring.addLesson(deps, actor, courseId, revision++, moduleId, {
          slug: l.slug,
          title: l.title,
          body: l.body,
          isRequired: l.isRequired ?? true,
          passMark: '70',
        }),
      );
      for (const q of l.questions)
        must(
          await authoring.addQuestion(deps, actor, courseId, revision++, lessonId, {
            kind: q.kind,
            prompt: q.prompt,
            options: q.options ?? '',
          }),
        );
    }
  }
  must(await authoring.publishCourse(deps, actor, courseId, revision));
}
