/**
 * The built-in demo school: a deterministic sample of a secondary school (pupils in Years 7 to 13, staff,
 * the IT desk) in every registration state the bot has to handle, so the bot can be tried offline. Five
 * well-known users have fixed ids and UPNs: the Agents Playground identity file uses them.
 */
import type { RegisteredMethod } from '../../domain/registration/methods';
import type { DirectoryUser } from '../../ports/directory';

/** Stable ids of the demo school's groups (other features configure these as their desk and IT groups). */
export const DEMO_GROUPS = {
  serviceDesk: '5a00000a-0000-4000-8000-000000000001',
  itStaff: '5a00000a-0000-4000-8000-000000000002',
  allPupils: '5a00000a-0000-4000-8000-000000000003',
  allStaff: '5a00000a-0000-4000-8000-000000000004',
  year7: '5a00000a-0000-4000-8000-000000000007',
  year8: '5a00000a-0000-4000-8000-000000000008',
  year9: '5a00000a-0000-4000-8000-000000000009',
  year10: '5a00000a-0000-4000-8000-000000000010',
  year11: '5a00000a-0000-4000-8000-000000000011',
  year12: '5a00000a-0000-4000-8000-000000000012',
  year13: '5a00000a-0000-4000-8000-000000000013',
} as const;

/** Display names of the demo groups, for cards and IT views. */
export const DEMO_GROUP_NAMES: Record<string, string> = {
  [DEMO_GROUPS.serviceDesk]: 'Service desk',
  [DEMO_GROUPS.itStaff]: 'IT staff',
  [DEMO_GROUPS.allPupils]: 'All pupils',
  [DEMO_GROUPS.allStaff]: 'All staff',
  [DEMO_GROUPS.year7]: 'Year 7',
  [DEMO_GROUPS.year8]: 'Year 8',
  [DEMO_GROUPS.year9]: 'Year 9',
  [DEMO_GROUPS.year10]: 'Year 10',
  [DEMO_GROUPS.year11]: 'Year 11',
  [DEMO_GROUPS.year12]: 'Year 12',
  [DEMO_GROUPS.year13]: 'Year 13',
};

/** The six users of the Agents Playground identity file (.m365agentsplayground.yml). */
export const DEMO_USERS = {
  /** Pupil, Year 8: nothing registered. */
  samTaylor: '5a000000-0000-4000-8000-000000000001',
  /** Pupil, Year 10: the Authenticator app only (one method). */
  priyaShah: '5a000000-0000-4000-8000-000000000002',
  /** Pupil, Year 7: a mobile phone (texts) only: at risk from the SMS/voice retirement. */
  jordanLee: '5a000000-0000-4000-8000-000000000003',
  /** Staff (English): complete (app + personal email). */
  kateEllis: '5a000000-0000-4000-8000-000000000004',
  /** Staff (IT Support): complete; in the service-desk and IT-staff groups. */
  danielOkafor: '5a000000-0000-4000-8000-000000000005',
  /** Staff (Science): an office phone only, so calls only, and at risk from the SMS/voice retirement. */
  tomWright: '5a000000-0000-4000-8000-000000000006',
} as const;

export interface DemoPerson {
  user: DirectoryUser;
  /** Everything registered, email classified (the demo never holds an address). */
  methods: RegisteredMethod[];
}

export interface DemoSchool {
  people: DemoPerson[];
  /** Group id → member ids (users or nested groups). */
  groups: Map<string, string[]>;
}

const DOMAIN = 'kscs.org.uk';

const FIRST_NAMES = [
  'Oliver',
  'Amelia',
  'Noah',
  'Isla',
  'Leo',
  'Ava',
  'Arthur',
  'Mia',
  'Muhammad',
  'Ivy',
  'Harry',
  'Freya',
  'Oscar',
  'Lily',
  'George',
  'Florence',
  'Theo',
  'Grace',
  'Jack',
  'Willow',
  'Charlie',
  'Rosie',
  'Freddie',
  'Evie',
  'Alfie',
  'Aisha',
  'Finley',
  'Zara',
  'Reuben',
  'Maya',
  'Kai',
  'Hannah',
  'Ethan',
  'Chloe',
  'Adam',
  'Sofia',
  'Max',
  'Ella',
  'Yusuf',
  'Poppy',
];
const LAST_NAMES = [
  'Smith',
  'Jones',
  'Williams',
  'Brown',
  'Patel',
  'Khan',
  'Wilson',
  'Evans',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Robinson',
  'Thompson',
  'White',
  'Hughes',
  'Edwards',
  'Green',
  'Hall',
  'Wood',
  'Harris',
  'Clarke',
  'Jackson',
  'Begum',
  'Nowak',
  'Ali',
  'Hussain',
  'Martin',
  'Cooper',
  'King',
  'Lewis',
  'Baker',
];
const DEPARTMENTS = [
  'English',
  'Maths',
  'Science',
  'History',
  'Geography',
  'Art',
  'PE',
  'Languages',
  'Music',
];

/** Pupils per year group. */
const YEAR_SIZES: [number, number][] = [
  [7, 50],
  [8, 50],
  [9, 50],
  [10, 50],
  [11, 50],
  [12, 25],
  [13, 25],
];
const TEACHERS = 45;

/** A small deterministic PRNG (mulberry32): the same school on every start. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const app: RegisteredMethod = { kind: 'authenticatorApp' };
const mobile: RegisteredMethod = { kind: 'mobilePhone' };
const personalEmail: RegisteredMethod = { kind: 'email', onSchoolDomain: false };
const schoolEmail: RegisteredMethod = { kind: 'email', onSchoolDomain: true };
const questions: RegisteredMethod = { kind: 'securityQuestions' };
const password: RegisteredMethod = { kind: 'password' };

/** Registration states with their share of pupils (they add up to 1). */
const PUPIL_STATES: [number, RegisteredMethod[]][] = [
  [0.3, []], // not started
  [0.15, [app]], // one method
  [0.12, [mobile]], // phone only: at risk
  [0.05, [app, schoolEmail]], // email on the school domain
  [0.25, [app, personalEmail]], // complete
  [0.05, [app, questions]], // questions as the only second method
  [0.05, [app, mobile]], // complete, but leans on a phone
  [0.03, [{ kind: 'officePhone' }, personalEmail]], // a landline and an email
];
const STAFF_STATES: [number, RegisteredMethod[]][] = [
  [0.1, []],
  [0.1, [app]],
  [0.05, [mobile]],
  [0.6, [app, personalEmail]],
  [0.15, [app, mobile, personalEmail]],
];

function pick<T>(states: [number, T][], r: number): T {
  let sum = 0;
  for (const [share, value] of states) {
    sum += share;
    if (r < sum) return value;
  }
  return states[states.length - 1]![1];
}

function person(
  id: string,
  displayName: string,
  upn: string,
  department: string,
  jobTitle: string,
  methods: RegisteredMethod[],
): DemoPerson {
  return {
    user: {
      id,
      displayName,
      givenName: displayName.split(' ')[0],
      userPrincipalName: upn,
      department,
      jobTitle,
      accountEnabled: true,
      userType: 'member',
    },
    methods: [password, ...methods],
  };
}

/** Builds the demo school. Deterministic: the same ids, names and states every time. */
export function buildDemoSchool(): DemoSchool {
  const next = random(20_270_111);
  const people: DemoPerson[] = [
    person(DEMO_USERS.samTaylor, 'Sam Taylor', `sam.taylor@${DOMAIN}`, 'Year 8', 'Student', []),
    person(DEMO_USERS.priyaShah, 'Priya Shah', `priya.shah@${DOMAIN}`, 'Year 10', 'Student', [app]),
    person(DEMO_USERS.jordanLee, 'Jordan Lee', `jordan.lee@${DOMAIN}`, 'Year 7', 'Student', [mobile]),
    person(DEMO_USERS.kateEllis, 'Kate Ellis', `k.ellis@${DOMAIN}`, 'English', 'Teacher', [
      app,
      personalEmail,
    ]),
    person(DEMO_USERS.danielOkafor, 'Daniel Okafor', `d.okafor@${DOMAIN}`, 'IT Support', 'IT Technician', [
      app,
      personalEmail,
      { kind: 'authenticatorPasskey' },
    ]),
  ];
  const upns = new Set(people.map((p) => p.user.userPrincipalName));
  const unique = (local: string) => {
    let upn = `${local}@${DOMAIN}`;
    for (let n = 2; upns.has(upn); n++) upn = `${local}${n}@${DOMAIN}`;
    upns.add(upn);
    return upn;
  };
  let counter = 0;
  const nextId = () => `5a000000-0000-4000-8001-${(++counter).toString(16).padStart(12, '0')}`;
  const name = () => {
    const first = FIRST_NAMES[Math.floor(next() * FIRST_NAMES.length)]!;
    const last = LAST_NAMES[Math.floor(next() * LAST_NAMES.length)]!;
    return { first, last };
  };

  const years = new Map<number, string[]>();
  years.set(8, [DEMO_USERS.samTaylor]);
  years.set(10, [DEMO_USERS.priyaShah]);
  years.set(7, [DEMO_USERS.jordanLee]);
  for (const [year, size] of YEAR_SIZES) {
    const members = years.get(year) ?? [];
    while (members.length < size) {
      const { first, last } = name();
      const p = person(
        nextId(),
        `${first} ${last}`,
        unique(`${first}.${last}`.toLowerCase()),
        `Year ${year}`,
        'Student',
        pick(PUPIL_STATES, next()),
      );
      people.push(p);
      members.push(p.user.id);
    }
    years.set(year, members);
  }

  people.push(
    person(DEMO_USERS.tomWright, 'Tom Wright', `t.wright@${DOMAIN}`, 'Science', 'Teacher', [
      { kind: 'officePhone' },
    ]),
  );
  const staff: string[] = [DEMO_USERS.kateEllis, DEMO_USERS.tomWright];
  for (let i = 0; i < TEACHERS; i++) {
    const { first, last } = name();
    const p = person(
      nextId(),
      `${first} ${last}`,
      unique(`${first[0]}.${last}`.toLowerCase()),
      DEPARTMENTS[i % DEPARTMENTS.length]!,
      'Teacher',
      pick(STAFF_STATES, next()),
    );
    people.push(p);
    staff.push(p.user.id);
  }
  const itDesk: string[] = [DEMO_USERS.danielOkafor];
  for (const [first, last] of [
    ['Grace', 'Mensah'],
    ['Tom', 'Barker'],
  ] as const) {
    const p = person(
      nextId(),
      `${first} ${last}`,
      unique(`${first[0]}.${last}`.toLowerCase()),
      'IT Support',
      'IT Technician',
      [app, personalEmail],
    );
    people.push(p);
    itDesk.push(p.user.id);
  }

  const manager = person(nextId(), 'Helen Ward', unique('h.ward'), 'IT Support', 'Network Manager', [
    app,
    personalEmail,
  ]);
  people.push(manager);

  const groups = new Map<string, string[]>([
    [DEMO_GROUPS.serviceDesk, itDesk],
    // IT staff holds the desk (a nested group) plus the network manager, who is not on the desk.
    [DEMO_GROUPS.itStaff, [DEMO_GROUPS.serviceDesk, manager.user.id]],
    [DEMO_GROUPS.allStaff, [...staff, DEMO_GROUPS.itStaff]],
    [DEMO_GROUPS.allPupils, []],
  ]);
  for (const [year] of YEAR_SIZES) {
    const groupId = DEMO_GROUPS[`year${year}` as keyof typeof DEMO_GROUPS];
    groups.set(groupId, years.get(year) ?? []);
    groups.get(DEMO_GROUPS.allPupils)!.push(groupId);
  }
  return { people, groups };
}
