/**
 * Word lists for de-identification (`deidentify.ts`): the words that introduce an identifier
 * (street suffixes, states, credentials, labels) and the report vocabulary that must never be
 * taken for a name. Kept apart from the patterns so that each list can be read and extended on
 * its own.
 */

/**
 * A label phrase as reports write it: `lower`, `Capitalised` or `UPPER CASE` words, any white space between
 * ("discussed with", "Discussed With", "DISCUSSED WITH"). Node 20's V8 has no inline `(?i:)` groups, and a
 * class per letter (`[Dd][Ii]...`) makes the combined pattern too long for V8 to optimise (see deidentify.ts).
 */
export function anyCase(phrase: string): string {
  return phrase
    .split(' ')
    .map((word) => {
      const first = escape(word.charAt(0));
      const head = /[a-z]/i.test(first) ? `[${first.toUpperCase()}${first.toLowerCase()}]` : first;
      const rest = escape(word.slice(1).toLowerCase());
      return rest === rest.toUpperCase() ? `${head}${rest}` : `(?:${head}${rest}|${escape(word.toUpperCase())})`;
    })
    .join(String.raw`\s+`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A word written `Capitalised` or `UPPER CASE` only, as report headers write them. */
export function capOrUpper(word: string): string {
  const cap = word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  return cap === word.toUpperCase() ? cap : `${cap}|${word.toUpperCase()}`;
}

/** Alternatives of a list, longest first, so that `Street` is tried before `St`. */
export function alternatives(words: readonly string[], form: (w: string) => string = (w) => w): string {
  return [...words].sort((a, b) => b.length - a.length).map(form).join('|');
}

export const STREET_SUFFIXES = [
  'Street', 'St', 'Avenue', 'Ave', 'Av', 'Road', 'Rd', 'Boulevard', 'Blvd', 'Drive', 'Dr', 'Lane', 'Ln', 'Court', 'Ct',
  'Place', 'Pl', 'Way', 'Terrace', 'Ter', 'Circle', 'Cir', 'Parkway', 'Pkwy', 'Highway', 'Hwy', 'Square', 'Sq', 'Trail',
  'Trl', 'Loop', 'Pike', 'Row', 'Alley', 'Plaza', 'Plz', 'Crescent', 'Cres', 'Close', 'Walk', 'Path', 'Ridge',
  'Heights', 'Hts', 'Expressway', 'Expy', 'Freeway', 'Fwy', 'Turnpike', 'Tpke', 'Broadway',
];

export const UNIT_WORDS = ['Apartment', 'Apt', 'Suite', 'Ste', 'Unit', 'Room', 'Rm', 'Floor', 'Fl', 'Building', 'Bldg', 'Lot'];

export const STATE_ABBREVIATIONS = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC',
  'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'DC', 'PR',
];

export const STATE_NAMES = [
  'Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware', 'Florida', 'Georgia',
  'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky', 'Louisiana', 'Maine', 'Maryland',
  'Massachusetts', 'Michigan', 'Minnesota', 'Mississippi', 'Missouri', 'Montana', 'Nebraska', 'Nevada', 'New Hampshire',
  'New Jersey', 'New Mexico', 'New York', 'North Carolina', 'North Dakota', 'Ohio', 'Oklahoma', 'Oregon', 'Pennsylvania',
  'Rhode Island', 'South Carolina', 'South Dakota', 'Tennessee', 'Texas', 'Utah', 'Vermont', 'Virginia', 'Washington',
  'West Virginia', 'Wisconsin', 'Wyoming', 'Puerto Rico',
];

/** Credentials written after a name ("Jane Smith, MD"). `PA` and `RT` are left out: they end exam titles ("CHEST, PA"). */
export const CREDENTIALS = [
  'M\\.?D\\.?', 'D\\.?O\\.?', 'Ph\\.?D\\.?', 'R\\.?N\\.?', 'PA-C', 'FRCR', 'MBBS', 'NP', 'APRN', 'DNP', 'CRNA', 'DDS',
  'DMD', 'FACR', 'RPA', 'CNM', 'MSN',
];

/** Small numbers spelled out, for ages over 89 ("ninety-three", "one hundred and two"). */
export const ONES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
export const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];

/** Words that introduce a value that is a phone number. */
export const PHONE_LABELS = [
  'phone', 'telephone', 'tel', 'call', 'called', 'calling', 'callback', 'call back', 'pager', 'paged', 'page', 'beeper',
  'cell', 'mobile', 'contact', 'reached at', 'reachable at', 'ext', 'extension', 'voicemail',
];

/** Words that introduce a name when followed by a colon ("Referring physician: ALVAREZ, MARIA"). */
export const NAME_LABELS = [
  'Radiologist', 'Attending', 'Resident', 'Fellow', 'Physician', 'Referring', 'Referring Physician', 'Referring Provider',
  'Referring MD', 'Ordering', 'Ordering Physician', 'Ordering Provider', 'Requesting Physician', 'Performing Physician',
  'Interpreting Radiologist', 'Reading Radiologist', 'Patient', 'Patient Name', 'Name', 'Technologist', 'Tech',
  'Sonographer', 'cc', 'Attn', 'Attention', 'PCP', 'Primary Care Physician', 'Primary Care Provider', 'Provider',
  'Surgeon', 'Consultant', 'Contact', 'Emergency Contact', 'Next of Kin', 'NOK', 'Guardian', 'Spouse', 'Mother',
  'Father', 'Son', 'Daughter', 'Wife', 'Husband', 'Employer', 'Caregiver', 'Relative', 'Operator',
  // Abbreviated referrer labels ("Ref Phys: HARRIS, NGOZI").
  'Ref Phys', 'Ref Physician', 'Ref Provider', 'Ref MD', 'Ref Dr', 'Referring Dr', 'Req Phys', 'Ord Phys', 'Ordering MD',
];

/** Verbs of attribution and communication followed by a name, colon optional ("discussed with Jane Doe"). */
export const NAME_VERBS = [
  'Electronically Signed By', 'Signed By', 'Dictated By', 'Transcribed By', 'Reviewed By', 'Read By', 'Approved By',
  'Verified By', 'Reported By', 'Interpreted By', 'Performed By', 'Referred By', 'Requested By', 'Ordered By', 'Seen By',
  'Discussed With', 'Reviewed With', 'Spoke With', 'Spoken With', 'Communicated To', 'Communicated With', 'Conveyed To',
  'Relayed To', 'Called To',
];

/** Relatives named in passing ("her daughter Mary", "Son Daniel at bedside"). */
export const RELATIVES = [
  'wife', 'husband', 'spouse', 'son', 'daughter', 'mother', 'father', 'brother', 'sister', 'partner', 'guardian',
  'caregiver', 'niece', 'nephew', 'granddaughter', 'grandson', 'neighbor', 'neighbour', 'friend', 'fiance', 'fiancee',
];

/**
 * Words a name never runs into: the labels that follow a name on the same line ("Dictated by: Jane Smith Pager
 * 4567", "Dr. Tanaka Med Rec #: ..."), credentials, and capitalised clinical tokens. Compared case-insensitively
 * with the second and later words of a candidate name.
 */
export const NAME_STOP_WORDS = [
  'MRN', 'DOB', 'ACC', 'SSN', 'MR', 'ID', 'NPI', 'VIN', 'DEA', 'Pager', 'Page', 'Beeper', 'Phone', 'Tel', 'Fax', 'Cell',
  'Mobile', 'Ext', 'Call', 'Callback', 'Contact', 'License', 'Licence', 'Account', 'Acct', 'Member', 'Policy', 'Insurance',
  'Billing', 'Medicaid', 'Medicare', 'Social', 'Driver', 'Med', 'Medical', 'Unit', 'Hospital', 'Email', 'E-mail',
  'Address', 'Home', 'Age', 'Sex', 'Accession', 'Study', 'Series', 'Patient', 'Pt', 'Date', 'DOS', 'Exam', 'Dictated',
  'Signed', 'Electronically', 'Transcribed', 'Reviewed', 'Verified', 'Approved', 'Interpreted', 'Findings',
  'Impression', 'Comparison', 'History', 'Technique', 'Indication', 'MD', 'DO', 'PhD', 'RN', 'NP', 'DDS', 'FACR',
  'BI-RADS', 'LI-RADS', 'TI-RADS', 'Lung-RADS', 'CTDIvol', 'DLP',
];

/**
 * Report vocabulary that looks like a name after a title or a label ("Name: Chest CT",
 * "MR BRAIN", "discussed with ED staff", "History of MS. Brain ..."): upper-case, compared with
 * the first word of the candidate name upper-cased. Exam titles after `MR` and `DR` (the
 * modalities) are the reason most of these are here.
 */
export const NOT_NAMES: ReadonlySet<string> = new Set([
  'THE', 'THIS', 'THERE', 'THESE', 'NO', 'NONE', 'NOT', 'A', 'AN', 'HIS', 'HER', 'THEIR', 'UNKNOWN', 'REPORT', 'FINAL',
  'PRELIMINARY', 'NORMAL', 'FINDINGS', 'IMPRESSION', 'TECHNIQUE', 'COMPARISON', 'HISTORY', 'INDICATION', 'ADDENDUM',
  // Modalities and exams.
  'CT', 'CTA', 'MRI', 'MR', 'MRA', 'MRV', 'MRCP', 'PET', 'SPECT', 'US', 'XR', 'DX', 'CR', 'NM', 'DEXA', 'EXAM', 'STUDY',
  'PROTOCOL', 'VIEWS', 'VIEW', 'PA', 'AP', 'LATERAL', 'PORTABLE', 'FLUORO', 'FLUOROSCOPY', 'SCREENING', 'DIAGNOSTIC',
  'ANGIOGRAPHY', 'ANGIOGRAM', 'VENOGRAPHY', 'VENOGRAM', 'ARTHROGRAM', 'ARTHROGRAPHY', 'ENTEROGRAPHY', 'ENTEROCLYSIS',
  'CHOLANGIOGRAPHY', 'UROGRAPHY', 'SPECTROSCOPY', 'PERFUSION', 'DIFFUSION', 'TRACTOGRAPHY', 'ELASTOGRAPHY', 'CINE',
  'WITH', 'WITHOUT', 'W', 'WO', 'CONTRAST', 'GUIDED', 'BIOPSY', 'FOLLOW', 'FOLLOW-UP', 'STRESS', 'ENHANCED', 'DYNAMIC',
  // Anatomy in exam titles.
  'BRAIN', 'HEAD', 'NECK', 'CHEST', 'ABDOMEN', 'ABDOMINAL', 'PELVIS', 'PELVIC', 'SPINE', 'CERVICAL', 'THORACIC', 'LUMBAR',
  'SACRUM', 'COCCYX', 'KNEE', 'SHOULDER', 'HIP', 'ANKLE', 'FOOT', 'WRIST', 'HAND', 'ELBOW', 'ORBITS', 'ORBIT', 'SINUS',
  'SINUSES', 'FACE', 'FACIAL', 'IAC', 'IACS', 'PITUITARY', 'SELLA', 'TMJ', 'CARDIAC', 'HEART', 'CORONARY', 'BREAST',
  'BREASTS', 'PROSTATE', 'LIVER', 'KIDNEY', 'KIDNEYS', 'RENAL', 'PANCREAS', 'ADRENAL', 'ADRENALS', 'FEMUR', 'TIBIA',
  'HUMERUS', 'FOREARM', 'LEG', 'ARM', 'THIGH', 'EXTREMITY', 'UPPER', 'LOWER', 'LEFT', 'RIGHT', 'BILATERAL', 'TOTAL',
  'WHOLE', 'BODY', 'FETAL', 'SOFT', 'TISSUE', 'JOINT', 'BRACHIAL', 'PLEXUS', 'AORTA', 'RECTUM', 'RECTAL', 'SMALL',
  'BOWEL', 'TEMPORAL', 'BONE', 'BONES', 'ENTERIC', 'ENTERO', 'PROSTATIC', 'SCROTUM', 'SCROTAL', 'THYROID', 'LUNG',
  'LUNGS', 'PLAQUES', 'PLAQUE', 'LESIONS', 'LESION', 'FLARE', 'RELAPSE',
  // Roles and places that follow "discussed with", "seen by" ...
  'ED', 'ER', 'ICU', 'PACU', 'OR', 'RADIOLOGY', 'RESIDENT', 'ATTENDING', 'FELLOW', 'TEAM', 'NURSE', 'NURSING', 'STAFF',
  'SERVICE', 'ONCOLOGY', 'SURGERY', 'SURGICAL', 'MEDICINE', 'CARDIOLOGY', 'NEUROLOGY', 'UROLOGY', 'ORTHOPEDICS',
  'CLINICIAN', 'PROVIDER', 'PHYSICIAN', 'PATIENT', 'FAMILY', 'REFERRING', 'ORDERING', 'PRIMARY', 'HOSPITALIST',
  'TECHNOLOGIST', 'SONOGRAPHER', 'CHARGE', 'EMERGENCY', 'DEPARTMENT', 'CLINIC', 'FLOOR', 'UNIT', 'WARD', 'HOUSE',
  'MD', 'RN', 'NP', 'ON', 'CALL', 'DAY', 'NIGHT', 'COVERING', 'CONSULTING',
  // Words after "Patient" and "Pt" that are not names ("Patient Positioning", "Pt Name:").
  'NAME', 'ID', 'INFORMATION', 'INFO', 'POSITIONING', 'CARE', 'EDUCATION', 'IDENTIFICATION', 'CONSENT', 'PREPARATION',
  'STATUS', 'SAFETY', 'TRANSPORT', 'INSTRUCTIONS',
]);
