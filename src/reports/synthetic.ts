/**
 * A built-in generator of realistic, entirely synthetic radiology reports: several modalities
 * and body regions, technique / comparison / findings / impression sections, measurements,
 * vertebral levels, numbered impressions, identifiers to de-identify (dates, times, names,
 * phone numbers, record numbers) and key-image references written in every form the reference
 * grammar supports. Seeded: the same seed gives the same reports. No real patient data.
 */
import { Rng } from '../util/rng.js';

export interface SyntheticReport {
  id: string;
  accession: string;
  patientId: string;
  modality: string;
  examDate: string;
  region: string;
  text: string;
  /** The (series, instance) pairs the text references, in text order, for scoring. */
  references: Array<{ series: number | null; instances: number[] }>;
}

interface RegionSpec {
  name: string;
  modalities: string[];
  exam: string;
  normals: string[];
  findings: Array<{ text: string; impression: string }>;
}

const REGIONS: RegionSpec[] = [
  {
    name: 'chest', modalities: ['CT', 'CR'], exam: 'CHEST',
    normals: ['The heart size is normal.', 'No pleural effusion or pneumothorax.', 'The central airways are patent.', 'No mediastinal or hilar adenopathy.'],
    findings: [
      { text: 'A {size} cm spiculated mass in the right upper lobe', impression: 'Right upper lobe mass, suspicious for primary lung malignancy.' },
      { text: 'Multiple bilateral pulmonary nodules, the largest measuring {mm} mm', impression: 'Multiple pulmonary nodules compatible with metastases.' },
      { text: 'A small left pleural effusion with adjacent atelectasis', impression: 'Small left pleural effusion.' },
      { text: 'Subcarinal lymph node enlarged to {size} cm', impression: 'Mediastinal adenopathy, increasing.' },
    ],
  },
  {
    name: 'abdomen', modalities: ['CT', 'MR'], exam: 'ABDOMEN, PELVIS',
    normals: ['The spleen and pancreas are unremarkable.', 'No hydronephrosis.', 'The gallbladder is normal.', 'No free fluid.'],
    findings: [
      { text: 'A {size} cm hypodense lesion in hepatic segment 7', impression: 'Hepatic lesion compatible with metastasis.' },
      { text: 'A simple cyst in the left kidney measuring {mm} mm', impression: 'Benign left renal cyst.' },
      { text: 'Left adrenal nodule of {size} cm', impression: 'Left adrenal nodule, likely adenoma.' },
      { text: 'Retroperitoneal adenopathy up to {size} cm', impression: 'Retroperitoneal lymphadenopathy.' },
    ],
  },
  {
    name: 'head', modalities: ['MR', 'CT'], exam: 'BRAIN',
    normals: ['The ventricles are normal in size.', 'No midline shift.', 'No acute intracranial hemorrhage.', 'The basal cisterns are patent.'],
    findings: [
      { text: 'An enhancing {size} cm mass in the left frontal lobe with surrounding edema', impression: 'Left frontal enhancing mass, likely glioma or metastasis.' },
      { text: 'Several small enhancing foci in both cerebral hemispheres', impression: 'Multiple brain metastases.' },
      { text: 'Chronic lacunar infarct in the right basal ganglia', impression: 'Chronic small vessel ischemic disease.' },
    ],
  },
  {
    name: 'spine', modalities: ['MR', 'CT'], exam: 'LUMBAR SPINE',
    normals: ['Vertebral body heights are maintained.', 'The conus terminates normally.', 'No spinal canal stenosis at L1-L2.'],
    findings: [
      { text: 'Disc protrusion at L4-L5 with moderate canal narrowing', impression: 'Degenerative disc disease at L4-L5.' },
      { text: 'A lytic lesion in the L3 vertebral body measuring {size} cm', impression: 'Lytic L3 lesion, compatible with bone metastasis.' },
      { text: 'Compression fracture of T12 with {mm} mm height loss', impression: 'T12 compression fracture.' },
    ],
  },
  {
    name: 'pelvis', modalities: ['CT', 'MR'], exam: 'PELVIS',
    normals: ['The bladder is unremarkable.', 'No pelvic adenopathy.', 'The uterus is normal in size.'],
    findings: [
      { text: 'Sclerotic foci in the right iliac bone and sacrum', impression: 'Osseous metastases in the pelvis.' },
      { text: 'A {size} cm fibroid in the uterine fundus', impression: 'Uterine fibroid.' },
    ],
  },
  {
    name: 'neck', modalities: ['CT', 'MR'], exam: 'NECK',
    normals: ['The parotid and submandibular glands are unremarkable.', 'The airway is patent.'],
    findings: [
      { text: 'Mild fat stranding of the right parapharyngeal soft tissues', impression: 'Right parapharyngeal fat stranding, possibly post radiation.' },
      { text: 'A necrotic level II lymph node measuring {size} cm', impression: 'Necrotic cervical adenopathy.' },
    ],
  },
];

const FIRST = ['Jane', 'John', 'Maria', 'Wei', 'Ahmed', 'Sarah', 'David', 'Priya', 'Laura', 'Kenji'];
const LAST = ['Smith', 'Johnson', 'Garcia', 'Chen', 'Okafor', 'Miller', 'Nguyen', 'Patel', 'Kowalski', 'Haddad'];

/** A reference to the given instances, written in one of the grammar's forms. */
function writeReference(rng: Rng, series: number, instances: number[]): { text: string; series: number | null; instances: number[] } {
  const a = instances[0] as number;
  const form = rng.int(9);
  switch (form) {
    case 0: return { text: `(series ${series}, image ${a})`, series, instances: [a] };
    case 1: return { text: `(e.g. series ${series} image ${a})`, series, instances: [a] };
    case 2: { const b = a + 1 + rng.int(6); return { text: `(series ${series} image ${a}-${b})`, series, instances: range(a, b) }; }
    case 3: {
      // A list with an abbreviated range, as in the paper's "image 55, 60, 80, 84-7, 96".
      const c = a + 10;
      const end = c + 3;
      const short = Math.floor(c / 10) === Math.floor(end / 10) ? String(end % 10) : String(end);
      return { text: `(e.g. series ${series} image ${a}, ${a + 5}, ${c}-${short})`, series, instances: [a, a + 5, ...range(c, end)] };
    }
    case 4: return { text: `(se ${series} im ${a})`, series, instances: [a] };
    case 5: return { text: `(image ${a} of series ${series})`, series, instances: [a] };
    case 6: { const b = a + 2 + rng.int(5); return { text: `(series ${series} images ${a} through ${b})`, series, instances: range(a, b) }; }
    case 7: return { text: `(series #${series} image #${a})`, series, instances: [a] };
    default: return { text: `(images ${a} and ${a + 2})`, series: null, instances: [a, a + 2] };
  }
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function date(rng: Rng): { iso: string; us: string } {
  const y = 2005 + rng.int(15);
  const m = 1 + rng.int(12);
  const d = 1 + rng.int(28);
  return { iso: `${y}-${pad(m, 2)}-${pad(d, 2)}`, us: `${pad(m, 2)}/${pad(d, 2)}/${y}` };
}

/** Generates `count` synthetic reports from `seed`. */
export function* generateSyntheticReports(count: number, seed = 1): Generator<SyntheticReport> {
  const rng = new Rng(seed);
  for (let n = 0; n < count; n++) {
    const region = rng.pick(REGIONS);
    const modality = rng.pick(region.modalities);
    const exam = date(rng);
    const prior = date(rng);
    const radiologist = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    const references: SyntheticReport['references'] = [];
    const series = modality === 'CR' ? 1 : rng.pick([2, 3, 4, 5, 1001]);
    const findingCount = 1 + rng.int(3);
    const chosen = rng.shuffle([...region.findings]).slice(0, findingCount);
    const findingSentences: string[] = [];
    for (const f of chosen) {
      const size = (1 + rng.int(60) / 10).toFixed(1);
      const mm = String(3 + rng.int(25));
      let s = f.text.replace('{size}', size).replace('{mm}', mm);
      if (rng.chance(0.8)) {
        const ref = writeReference(rng, series, [5 + rng.int(150)]);
        references.push({ series: ref.series, instances: ref.instances });
        s += ` ${ref.text}`;
      }
      findingSentences.push(`${s}.`);
    }
    const normals = rng.shuffle([...region.normals]).slice(0, 2);
    const technique = modality === 'CR'
      ? 'PA and lateral views were obtained.'
      : `Contiguous ${rng.pick(['2.5', '5', '1.25'])} mm axial images of the ${region.name} were obtained ${rng.chance(0.5) ? `following ${rng.pick(['100', '130'])} cc Isovue-300` : 'without IV contrast'}.`;
    const impressions = chosen.map((f, i) => `${i + 1}. ${f.impression}`).join(' ');
    const text = [
      `${modality} ${region.exam}: Exam date ${exam.us} at ${pad(rng.int(24), 2)}:${pad(rng.int(60), 2)}.`,
      `HISTORY: ${rng.pick(['Known malignancy, restaging.', 'Pain.', 'Follow-up of prior findings.', 'Shortness of breath.'])}`,
      `TECHNIQUE: ${technique}`,
      `COMPARISON: ${rng.chance(0.8) ? `${prior.us}.` : 'None.'}`,
      `FINDINGS: ${[...findingSentences, ...normals].join(' ')}`,
      `IMPRESSION: ${impressions}`,
      `Results discussed with Dr. ${rng.pick(FIRST)} ${rng.pick(LAST)} at (301) 555-${pad(rng.int(10000), 4)}. MRN: ${pad(rng.int(100000000), 8)}.`,
      `Electronically signed by: ${radiologist}, MD on ${exam.us}`,
    ].join('\n');
    yield {
      id: `R${pad(n + 1, 7)}`,
      accession: `A${pad(seed % 1000, 3)}${pad(n + 1, 7)}`,
      patientId: `P${pad(rng.int(Math.max(10, Math.floor(count / 3))), 7)}`,
      modality,
      examDate: exam.iso,
      region: region.name,
      text,
      references,
    };
  }
}
