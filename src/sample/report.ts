/**
 * Writes a radiology report from a study's ground truth: exam, history, technique, comparison,
 * findings with measurements and key-image references, numbered impression, and a signature.
 * Names, MRNs and dates are there on purpose, so that de-identification has work to do.
 */
import { Rng, mixSeed } from '../util/rng.js';
import { FINDING_WORDS } from './catalog.js';
import type { FindingPlan, StudyPlan } from './plan.js';
import { writeReference, type WrittenReference } from './references.js';

const usDate = (d: string): string => `${d.slice(4, 6)}/${d.slice(6, 8)}/${d.slice(0, 4)}`;
const cm = (mm: number): string => (mm / 10).toFixed(1);

function lobe(f: FindingPlan): string {
  const upper = f.y < 0 ? 'upper' : 'lower';
  return f.side === 'left' ? `left ${upper} lobe` : f.y < -0.1 ? 'right upper lobe' : f.y > 0.1 ? 'right lower lobe' : 'right middle lobe';
}

/** Primary cancers the histories name; all are Disease Ontology terms of two or more words. */
const PRIMARY = /\b(colon cancer|breast cancer|lung cancer|renal cell carcinoma)\b/;

/**
 * Radiologists tie a metastasis to the known primary ("... consistent with metastasis from the
 * known colon cancer"), which puts a disease term in the key sentence, as the paper's Figure 7.
 */
function namePrimary(sentence: string, f: FindingPlan, p: StudyPlan): string {
  const primary = PRIMARY.exec(p.history)?.[1];
  if (f.type !== 'metastasis' || primary === undefined) return sentence;
  return sentence.replace(/\bmetastasis \(/, `metastasis from the known ${primary} (`);
}

function describe(f: FindingPlan, p: StudyPlan, ref: string, rng: Rng): string {
  const side = f.side === 'midline' ? (f.x < 0 ? 'right' : 'left') : f.side;
  const w = f.sizeMm;
  const h = Math.max(2, Math.round(w * (0.7 + 0.25 * rng.next())));
  const two = `${cm(w)} x ${cm(h)} cm`;
  if (f.type === 'lymph-node' && f.region === 'pelvis') return `Enlarged ${side} external iliac lymph node measuring ${cm(w)} cm (${ref}).`;
  switch (`${f.type}/${f.organ}`) {
    case 'metastasis/liver': return `There is a ${two} hypodense lesion in the ${side === 'right' ? 'right' : 'left'} hepatic lobe, consistent with metastasis (${ref}).`;
    case 'metastasis/lung': return `A ${w < 10 ? `${w} mm` : `${cm(w)} cm`} pulmonary nodule in the ${lobe(f)} is compatible with metastasis (${ref}).`;
    case 'metastasis/vertebra': return `Lytic lesion in the ${f.level} vertebral body measuring ${cm(w)} cm, consistent with osseous metastasis (${ref}).`;
    case 'metastasis/pelvic-bone': return `Lytic lesion in the ${side} iliac bone measuring ${cm(w)} cm, suspicious for metastasis (${ref}).`;
    case 'metastasis/brain': return `Enhancing ${w} mm lesion in the ${side} parietal lobe, consistent with metastasis (${ref}).`;
    case 'lymph-node/retroperitoneum': return `Enlarged ${side} para-aortic lymph node measures ${two} (${ref}).`;
    case 'lymph-node/mediastinum': return `Enlarged mediastinal lymph node measuring ${cm(w)} cm in short axis (${ref}).`;
    case 'lymph-node/neck-nodes': return `Enlarged level II lymph node on the ${side} measuring ${two} with central necrosis (${ref}).`;
    case 'nodule/lung': return `There is a ${w} mm solid nodule in the ${lobe(f)} (${ref}).`;
    case 'nodule/thyroid': return `${cm(w)} cm hypodense nodule in the ${side} thyroid lobe (${ref}).`;
    case 'effusion/pleura': return `${w > 40 ? 'Large' : w > 30 ? 'Moderate' : 'Small'} ${side} pleural effusion with adjacent compressive atelectasis (${ref}).`;
    case 'consolidation/lung': return `Patchy airspace consolidation in the ${lobe(f)} (${ref}).`;
    case 'mass/brain': return `There is a ${two} heterogeneously enhancing mass in the ${side} frontal lobe with surrounding vasogenic edema and 4 mm of midline shift (${ref}).`;
    case 'cyst/liver': return `Simple hepatic cyst in segment ${side === 'right' ? 7 : 3} measuring ${cm(w)} cm (${ref}).`;
    case 'cyst/kidney': return `Simple cyst in the ${side} kidney measuring ${cm(w)} cm, Bosniak I (${ref}).`;
    case 'mass/uterus': return `Large heterogeneous uterine mass measuring ${two} (${ref}).`;
    case 'disc-herniation/disc': return `At ${f.level}-${nextLevel(f.level)}, there is a ${side} paracentral disc protrusion measuring ${w} mm (${ref}) with mild narrowing of the ${side} lateral recess.`;
    case 'fracture/vertebra': return `Compression fracture of the L3 vertebral body with approximately 30% height loss (${ref}).`;
    case 'fracture/bone': return `Transverse fracture of the distal radial shaft with ${Math.max(1, Math.round(w / 8))} mm dorsal displacement (${ref}).`;
    case 'mass/breast': return `Irregular enhancing mass in the ${side} breast at ${side === 'right' ? 10 : 2} o'clock measuring ${cm(w)} cm (${ref}).`;
    default: return `${FINDING_WORDS[f.type]} in the ${f.organ} measuring ${cm(w)} cm (${ref}).`;
  }
}

function nextLevel(level: string): string {
  if (level === 'L5') return 'S1';
  const m = /^([A-Z])(\d+)$/.exec(level);
  return m ? `${m[1]}${Number(m[2]) + 1}` : level;
}

function impressionLines(p: StudyPlan): string[] {
  const byType = new Map<string, FindingPlan[]>();
  for (const f of p.findings) byType.set(`${f.type}/${f.organ}`, [...(byType.get(`${f.type}/${f.organ}`) ?? []), f]);
  const prior = p.priorDate ? ` since ${usDate(p.priorDate)}` : '';
  const lines: string[] = [];
  for (const [key, fs] of byType) {
    const n = fs.length;
    const many = n > 1;
    switch (key) {
      case 'metastasis/liver': lines.push(`${many ? 'Multiple hepatic metastases' : 'Hepatic metastasis'}, ${prior ? `increased in size${prior}` : 'new'}.`); break;
      case 'metastasis/lung': lines.push(`${many ? 'Multiple pulmonary metastases' : 'Pulmonary nodule compatible with metastasis'}.`); break;
      case 'metastasis/vertebra': case 'metastasis/pelvic-bone': lines.push('Osseous metastatic disease.'); break;
      case 'metastasis/brain': lines.push(`${many ? 'Multiple enhancing lesions' : 'Enhancing lesion'} compatible with metastatic disease.`); break;
      case 'nodule/lung': lines.push(`${many ? `${n} pulmonary nodules` : 'Pulmonary nodule'}. Recommend follow-up chest CT in 3 months per Fleischner Society guidelines.`); break;
      case 'effusion/pleura': lines.push('Pleural effusion.'); break;
      case 'consolidation/lung': lines.push('Airspace consolidation compatible with pneumonia in the appropriate clinical setting.'); break;
      case 'mass/brain': lines.push('Enhancing intra-axial mass with vasogenic edema, most consistent with high-grade glioma.'); break;
      case 'cyst/liver': case 'cyst/kidney': lines.push(`Simple ${key.endsWith('liver') ? 'hepatic' : 'renal'} ${many ? 'cysts' : 'cyst'}. No follow-up needed.`); break;
      case 'mass/uterus': lines.push('Uterine mass, likely leiomyoma; sarcoma not excluded.'); break;
      case 'disc-herniation/disc': lines.push(`Disc protrusion at ${fs.map((f) => `${f.level}-${nextLevel(f.level)}`).join(' and ')}.`); break;
      case 'fracture/vertebra': lines.push('Compression fracture of L3, age indeterminate.'); break;
      case 'fracture/bone': lines.push('Acute distal radial shaft fracture.'); break;
      case 'mass/breast': lines.push('Suspicious breast mass. BI-RADS 4. Tissue sampling is recommended.'); break;
      default: lines.push(`${many ? 'Enlarged lymph nodes' : FINDING_WORDS[fs[0]?.type ?? 'mass']}, ${prior ? `unchanged${prior}` : 'likely metastatic'}.`);
    }
  }
  if (lines.length === 0) lines.push('No acute abnormality.');
  return lines;
}

function technique(p: StudyPlan): string {
  if (p.modality === 'CR' || p.modality === 'DX') return `${p.series.length} views were obtained.`;
  if (p.modality === 'MR') return `Multiplanar multisequence MR images were obtained before and after intravenous administration of 15 mL gadolinium contrast.`;
  const extent = p.regions.length === 3 ? 'from the thoracic inlet through the pubic symphysis' : `through the ${p.regions[0]}`;
  return `Axial CT images were obtained ${extent} ${p.exam.includes('WITHOUT') ? 'without' : 'following'} intravenous contrast. Coronal and sagittal reformats were reviewed. Dose: CTDIvol 12.4 mGy.`;
}

export interface WrittenReport {
  text: string;
  references: WrittenReference[];
}

/** Writes the report and fills `plan.keyImages` with what its references point at. */
export function writeReport(plan: StudyPlan): WrittenReport {
  const rng = new Rng(mixSeed(plan.index * 48271 + 17));
  const references: WrittenReference[] = [];
  const seriesNumbers = plan.series.map((s) => s.seriesNumber);
  const lines: string[] = [];
  if (rng.chance(0.5)) {
    const [last, first] = plan.patientName.split('^');
    lines.push(`PATIENT: ${last}, ${first}    MRN: ${plan.patientId}    DOB: ${usDate(plan.birthDate)}    ACC: ${plan.accession}`);
  }
  lines.push(`EXAM: ${plan.exam}`, `DATE OF SERVICE: ${usDate(plan.studyDate)}`, `CLINICAL HISTORY: ${plan.history}`);
  lines.push(`TECHNIQUE: ${technique(plan)}`);
  lines.push(`COMPARISON: ${plan.priorDate ? `${plan.exam.split(' WITH')[0]} dated ${usDate(plan.priorDate)}.` : 'None.'}`);
  lines.push('FINDINGS:');
  const byRegion = new Map<string, string[]>();
  for (const f of plan.findings) {
    // Radiograph views are one image each: reference the view that shows the finding.
    // Radiologists cite the lung-kernel series for lung findings, the soft-tissue series otherwise.
    const lungFinding = f.organ === 'lung' || f.organ === 'pleura';
    const eligible = plan.series.filter((se) => lungFinding || se.flavour !== 'lung').map((se) => se.seriesNumber);
    const ref = writeReference(f, eligible.length ? eligible : seriesNumbers, rng);
    references.push(ref);
    plan.keyImages.push(...ref.images);
    const region = f.region.toUpperCase();
    // describe() wraps the reference in parentheses; the "(e.g. ...)" form brings its own.
    const inner = ref.text.startsWith('(') ? ref.text.slice(1, -1) : ref.text;
    byRegion.set(region, [...(byRegion.get(region) ?? []), namePrimary(describe(f, plan, inner, rng), f, plan)]);
  }
  for (const region of plan.regions) {
    const key = region.toUpperCase();
    const sentences = byRegion.get(key) ?? [`No acute abnormality in the ${region}.`];
    lines.push(plan.regions.length > 1 ? `${key}: ${sentences.join(' ')}` : sentences.join(' '));
  }
  if (plan.regions.includes('chest') && plan.modality === 'CT') lines.push('The heart is normal in size. No pericardial effusion.');
  if (plan.regions.includes('abdomen')) lines.push('The pancreas, spleen and adrenal glands are unremarkable. No free fluid.');
  lines.push('IMPRESSION:');
  impressionLines(plan).forEach((l, i) => lines.push(`${i + 1}. ${l.charAt(0).toUpperCase()}${l.slice(1)}`));
  if (rng.chance(0.3)) {
    lines.push(`Findings were discussed with Dr. ${plan.referrer} by telephone on ${usDate(plan.studyDate)} at ${Number(plan.studyTime.slice(0, 2)) + 1}:${plan.studyTime.slice(2, 4)}.`);
  }
  lines.push(`Electronically signed by: Dr. ${plan.radiologist}, MD on ${usDate(plan.studyDate)} ${plan.studyTime.slice(0, 2)}:${plan.studyTime.slice(2, 4)}`);
  return { text: lines.join('\n'), references };
}
