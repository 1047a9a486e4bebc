/**
 * Writes a radiology report from a study's ground truth: exam, history, technique, comparison,
 * findings with measurements and key-image references, numbered impression, and a signature.
 * Names, MRNs and dates are there on purpose, so that de-identification has work to do.
 */
import { Rng, mixSeed } from '../util/rng.js';
import { FINDING_WORDS } from './catalog.js';
import type { FindingPlan, StudyPlan } from './plan.js';
import type { KeyImage } from './plan.js';
import { continuedReference, namedReference, ofTotalReference, writeReference, type WrittenReference } from './references.js';
import { seriesNames } from './series-names.js';

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
  /** The key images bookmarked in the PACS as a Key Object Selection document, if any, and its text. */
  keyObject: { images: KeyImage[]; description: string } | undefined;
}

/** Share of studies with findings whose report cites no image: their key images are only bookmarked (a KOS). */
export const KEY_OBJECT_ONLY_SHARE = 0.12;
/** Share of the other studies with findings that also have their cited images bookmarked. */
export const KEY_OBJECT_TOO_SHARE = 0.25;
/** Share of the reports that cite images written in another hospital's style (series named by words, "#12/40", "(#57 and 60)"). */
export const OTHER_STYLE_SHARE = 0.35;

/**
 * Writes the report and fills `plan.keyImages` with what its references point at (or, where the
 * report cites no image, what its Key Object Selection document bookmarks).
 *
 * The references come from writeReference() with the report's own generator, as they always did;
 * a second generator (`style`) then rewrites, in some reports, some of them in the forms a report
 * from another hospital's style uses: the series named by words ("coronal T2 image 52"), "image
 * #12/40", a bare "(#57 and 60)" after an earlier reference; other reports cite no image at all
 * and bookmark a KOS instead.
 */
export function writeReport(plan: StudyPlan): WrittenReport {
  const rng = new Rng(mixSeed(plan.index * 48271 + 17));
  const style = new Rng(mixSeed(plan.index * 48271 + 29));
  const keyObjectOnly = plan.findings.length > 0 && style.chance(KEY_OBJECT_ONLY_SHARE);
  const otherStyle = style.chance(OTHER_STYLE_SHARE);
  const bookmarked: KeyImage[] = [];
  let previous: { ref: WrittenReference; region: string } | undefined;
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
    const cited = eligible.length ? eligible : seriesNumbers;
    const numbered = writeReference(f, cited, rng);
    const region = f.region.toUpperCase();
    if (keyObjectOnly) {
      // No reference in the text: the radiologist bookmarked the images instead (two findings on one
      // slice: one bookmark), those a reference naming its series would have given: the KOS stands
      // in for the reference, and the archive's linkable key images stay what they were.
      for (const image of numbered.seriesNamed ? numbered.images : []) {
        if (!bookmarked.some((k) => k.series === image.series && k.instance === image.instance)) bookmarked.push(image);
        plan.keyImages.push(image);
      }
      const sentence = namePrimary(describe(f, plan, '', rng), f, plan).replace(' ()', '');
      byRegion.set(region, [...(byRegion.get(region) ?? []), sentence]);
      continue;
    }
    const ref = otherStyle ? restyle(plan, numbered, previous?.region === region ? previous.ref : undefined, style) : numbered;
    previous = { ref, region };
    references.push(ref);
    plan.keyImages.push(...ref.images);
    // describe() wraps the reference in parentheses; the "(e.g. ...)" form brings its own.
    const inner = ref.text.startsWith('(') ? ref.text.slice(1, -1) : ref.text;
    byRegion.set(region, [...(byRegion.get(region) ?? []), namePrimary(describe(f, plan, inner, rng), f, plan)]);
  }
  let keyObject: WrittenReport['keyObject'];
  const words = [...new Set(plan.findings.map((f) => FINDING_WORDS[f.type]))].join(', ');
  if (keyObjectOnly && bookmarked.length > 0) keyObject = { images: bookmarked, description: `Key images: ${words}.` };
  else if (plan.keyImages.length > 0 && style.chance(KEY_OBJECT_TOO_SHARE)) {
    const images: KeyImage[] = [];
    for (const k of plan.keyImages) if (!images.some((x) => x.series === k.series && x.instance === k.instance)) images.push(k);
    keyObject = { images, description: `Key images: ${words}.` };
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
  return { text: lines.join('\n'), references, keyObject };
}

/**
 * Rewrites some references in the forms issue 15 added, drawing from `style` only. Each keeps its
 * images, and whether a faithful linker can reach them: a reference that named its series number
 * becomes the series named by words that fit it alone, "series 3, image #12/40", or a bare list
 * continuing `previous` (same paragraph, same series); one that named no series (ambiguous in
 * these studies, whose series share their numbering) may name it by words that fit others too
 * ("axial T1"). So the archive's linkable key images stay what they were, and a linker that
 * misses the new forms loses exactly those references.
 */
function restyle(plan: StudyPlan, numbered: WrittenReference, previous: WrittenReference | undefined, style: Rng): WrittenReference {
  const s = numbered.images[0]?.series as number;
  const series = plan.series.find((x) => x.seriesNumber === s);
  // A reference to two series ("series 2/3 image 45") stays: words name one series.
  if (!series || numbered.images.some((k) => k.series !== s)) return numbered;
  const names = seriesNames(plan, series);
  const r = style.next();
  if (!numbered.seriesNamed) {
    return r < 0.3 && names.ambiguous.length > 0 ? namedReference(numbered, s, style.pick(names.ambiguous), 'named-ambiguous', style) : numbered;
  }
  const canContinue = previous !== undefined && previous.form !== 'named-ambiguous' && (previous.seriesNamed || previous.seriesText !== undefined) &&
    previous.images.every((k) => k.series === s);
  if (canContinue && r < 0.3) return continuedReference(numbered, previous, style);
  if (r < 0.65 && names.unique.length > 0) {
    const forms = ['named', 'named', 'named-im', ...(names.withPlane.length ? ['named-hash' as const] : [])] as const;
    const form = style.pick(forms);
    return namedReference(numbered, s, style.pick(form === 'named-hash' ? names.withPlane : names.unique), form, style);
  }
  if (r < 0.8) return ofTotalReference(numbered, s, series.numInstances);
  return numbered;
}
