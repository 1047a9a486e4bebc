/**
 * A small built-in subset of the Human Disease Ontology: the conditions radiology reports name
 * most, with their real DOIDs, names and EXACT synonyms as in the 2016-09-01 release (CC0 today).
 * It lets `pacsmine terms` and the demo run on a fresh clone; for real work give the full release
 * (`--ontology doid.obo` or $PACSMINE_ONTOLOGY), which has 6,971 live terms.
 */
import { parseObo, type Ontology } from './obo.js';

/** [DOID, name, EXACT synonyms] */
const TERMS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['DOID:162', 'cancer', ['malignant neoplasm', 'primary cancer']],
  ['DOID:305', 'carcinoma', ['epithelioma']],
  ['DOID:1115', 'sarcoma', []],
  ['DOID:1909', 'melanoma', ['malignant melanoma']],
  ['DOID:0060058', 'lymphoma', ['lymphoid cancer']],
  ['DOID:1324', 'lung cancer', []],
  ['DOID:850', 'lung disease', []],
  ['DOID:552', 'pneumonia', ['acute pneumonia']],
  ['DOID:1673', 'pneumothorax', []],
  ['DOID:9477', 'pulmonary embolism', ['pulmonary artery embolism', 'pulmonary embolus']],
  ['DOID:3770', 'pulmonary fibrosis', ['fibrosis of lung']],
  ['DOID:11396', 'pulmonary edema', []],
  ['DOID:9563', 'bronchiectasis', []],
  ['DOID:399', 'tuberculosis', []],
  ['DOID:11335', 'sarcoidosis', []],
  ['DOID:118', 'pericardial effusion', []],
  ['DOID:3627', 'aortic aneurysm', []],
  ['DOID:1936', 'atherosclerosis', []],
  ['DOID:3393', 'coronary artery disease', ['coronary arteriosclerosis', 'coronary heart disease']],
  ['DOID:684', 'hepatocellular carcinoma', ['HCC', 'hepatoma']],
  ['DOID:3571', 'liver cancer', ['hepatic cancer', 'hepatic neoplasm']],
  ['DOID:9452', 'fatty liver disease', ['hepatic lipidosis']],
  ['DOID:5082', 'liver cirrhosis', ['cirrhosis', 'cirrhosis of liver']],
  ['DOID:10211', 'cholelithiasis', []],
  ['DOID:1949', 'cholecystitis', ['acute cholecystitis']],
  ['DOID:4989', 'pancreatitis', []],
  ['DOID:1793', 'pancreatic cancer', []],
  ['DOID:263', 'kidney cancer', ['renal cancer']],
  ['DOID:4450', 'renal cell carcinoma', ['adenocarcinoma of kidney', 'RCC']],
  ['DOID:898', 'polycystic kidney disease', []],
  ['DOID:11111', 'hydronephrosis', []],
  ['DOID:557', 'kidney disease', ['nephropathy']],
  ['DOID:8337', 'appendicitis', ['acute appendicitis']],
  ['DOID:7475', 'diverticulitis', []],
  ['DOID:219', 'colon cancer', []],
  ['DOID:656', 'adrenal adenoma', ['adenoma of the adrenal gland']],
  ['DOID:3068', 'glioblastoma multiforme', ['GBM']],
  ['DOID:3070', 'malignant glioma', ['glioma']],
  ['DOID:3565', 'meningioma', ['intracranial meningioma']],
  ['DOID:1319', 'brain cancer', ['brain neoplasm']],
  ['DOID:3526', 'cerebral infarction', ['cerebral infarct']],
  ['DOID:10908', 'hydrocephalus', []],
  ['DOID:2377', 'multiple sclerosis', []],
  ['DOID:0050127', 'sinusitis', []],
  ['DOID:1781', 'thyroid cancer', ['thyroid gland neoplasm']],
  ['DOID:12176', 'goiter', ['goitre']],
  ['DOID:1612', 'breast cancer', ['breast tumor', 'mammary cancer']],
  ['DOID:11476', 'osteoporosis', []],
  ['DOID:8398', 'osteoarthritis', ['degenerative arthritis', 'degenerative joint disease']],
  ['DOID:1019', 'osteomyelitis', []],
  ['DOID:184', 'bone cancer', ['bone neoplasm', 'bone tumour']],
  ['DOID:3347', 'osteosarcoma', ['osteogenic sarcoma']],
  ['DOID:90', 'degenerative disc disease', ['intervertebral disc degeneration', 'lumbar disc degeneration']],
  ['DOID:6725', 'spinal stenosis', ['lumbar spinal stenosis']],
  ['DOID:2247', 'spondylosis', []],
  ['DOID:0060249', 'scoliosis', []],
  ['DOID:13223', 'uterine fibroid', ['uterine leiomyoma']],
  ['DOID:127', 'leiomyoma', []],
  ['DOID:2394', 'ovarian cancer', ['ovarian neoplasm']],
  ['DOID:10283', 'prostate cancer', []],
  ['DOID:11054', 'urinary bladder cancer', ['bladder cancer']],
  ['DOID:12642', 'hiatus hernia', ['hiatal hernia']],
  ['DOID:1602', 'lymphadenitis', []],
];

/** The built-in subset as OBO text (parsed by the same parser as any release). */
export function builtinOboText(): string {
  const stanzas = TERMS.map(([id, name, synonyms]) =>
    ['[Term]', `id: ${id}`, `name: ${name}`, ...synonyms.map((s) => `synonym: "${s}" EXACT []`)].join('\n'));
  return ['format-version: 1.2', 'ontology: doid', 'remark: pacsmine built-in subset of the Human Disease Ontology', '', stanzas.join('\n\n'), ''].join('\n');
}

export function builtinOntology(): Ontology {
  return parseObo(builtinOboText(), { source: 'pacsmine built-in Disease Ontology subset' });
}

/** Number of terms in the built-in subset. */
export const BUILTIN_TERM_COUNT = TERMS.length;
