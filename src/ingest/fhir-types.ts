/**
 * The FHIR resource types (R4, with R4B's and R5's additions, so that a newer server's export is
 * not refused). A resourceType outside this list is a misspelling or not FHIR: its resource is
 * rejected UNKNOWN_RESOURCE rather than passed over like a Patient or an Observation, since a
 * misspelled "Bundel" or "DiagnosticReprt" would otherwise drop reports without a word.
 */
const R4 = [
  'Account', 'ActivityDefinition', 'AdverseEvent', 'AllergyIntolerance', 'Appointment', 'AppointmentResponse',
  'AuditEvent', 'Basic', 'Binary', 'BiologicallyDerivedProduct', 'BodyStructure', 'Bundle', 'CapabilityStatement',
  'CarePlan', 'CareTeam', 'CatalogEntry', 'ChargeItem', 'ChargeItemDefinition', 'Claim', 'ClaimResponse',
  'ClinicalImpression', 'CodeSystem', 'Communication', 'CommunicationRequest', 'CompartmentDefinition', 'Composition',
  'ConceptMap', 'Condition', 'Consent', 'Contract', 'Coverage', 'CoverageEligibilityRequest',
  'CoverageEligibilityResponse', 'DetectedIssue', 'Device', 'DeviceDefinition', 'DeviceMetric', 'DeviceRequest',
  'DeviceUseStatement', 'DiagnosticReport', 'DocumentManifest', 'DocumentReference', 'EffectEvidenceSynthesis',
  'Encounter', 'Endpoint', 'EnrollmentRequest', 'EnrollmentResponse', 'EpisodeOfCare', 'EventDefinition', 'Evidence',
  'EvidenceVariable', 'ExampleScenario', 'ExplanationOfBenefit', 'FamilyMemberHistory', 'Flag', 'Goal',
  'GraphDefinition', 'Group', 'GuidanceResponse', 'HealthcareService', 'ImagingStudy', 'Immunization',
  'ImmunizationEvaluation', 'ImmunizationRecommendation', 'ImplementationGuide', 'InsurancePlan', 'Invoice', 'Library',
  'Linkage', 'List', 'Location', 'Measure', 'MeasureReport', 'Media', 'Medication', 'MedicationAdministration',
  'MedicationDispense', 'MedicationKnowledge', 'MedicationRequest', 'MedicationStatement', 'MedicinalProduct',
  'MedicinalProductAuthorization', 'MedicinalProductContraindication', 'MedicinalProductIndication',
  'MedicinalProductIngredient', 'MedicinalProductInteraction', 'MedicinalProductManufactured',
  'MedicinalProductPackaged', 'MedicinalProductPharmaceutical', 'MedicinalProductUndesirableEffect',
  'MessageDefinition', 'MessageHeader', 'MolecularSequence', 'NamingSystem', 'NutritionOrder', 'Observation',
  'ObservationDefinition', 'OperationDefinition', 'OperationOutcome', 'Organization', 'OrganizationAffiliation',
  'Parameters', 'Patient', 'PaymentNotice', 'PaymentReconciliation', 'Person', 'PlanDefinition', 'Practitioner',
  'PractitionerRole', 'Procedure', 'Provenance', 'Questionnaire', 'QuestionnaireResponse', 'RelatedPerson',
  'RequestGroup', 'ResearchDefinition', 'ResearchElementDefinition', 'ResearchStudy', 'ResearchSubject',
  'RiskAssessment', 'RiskEvidenceSynthesis', 'Schedule', 'SearchParameter', 'ServiceRequest', 'Slot', 'Specimen',
  'SpecimenDefinition', 'StructureDefinition', 'StructureMap', 'Subscription', 'Substance', 'SubstanceNucleicAcid',
  'SubstancePolymer', 'SubstanceProtein', 'SubstanceReferenceInformation', 'SubstanceSourceMaterial',
  'SubstanceSpecification', 'SupplyDelivery', 'SupplyRequest', 'Task', 'TerminologyCapabilities', 'TestReport',
  'TestScript', 'ValueSet', 'VerificationResult', 'VisionPrescription',
];
const R4B_R5 = [
  'ActorDefinition', 'AdministrableProductDefinition', 'ArtifactAssessment', 'BiologicallyDerivedProductDispense',
  'Citation', 'ClinicalUseDefinition', 'ConditionDefinition', 'DeviceDispense', 'DeviceUsage', 'EncounterHistory',
  'EvidenceReport', 'FormularyItem', 'GenomicStudy', 'ImagingSelection', 'Ingredient', 'InventoryItem',
  'InventoryReport', 'ManufacturedItemDefinition', 'MedicinalProductDefinition', 'NutritionIntake', 'NutritionProduct',
  'PackagedProductDefinition', 'Permission', 'RegulatedAuthorization', 'RequestOrchestration', 'Requirements',
  'SubscriptionStatus', 'SubscriptionTopic', 'SubstanceDefinition', 'TestPlan', 'Transport',
];

export const FHIR_RESOURCE_TYPES: ReadonlySet<string> = new Set([...R4, ...R4B_R5]);

/**
 * The known type a misspelled one is closest to (case ignored, at most 2 edits, or a quarter of its
 * length for long names), for a hint in the rejection; undefined when none is close. The hint comes
 * from this list, never from the input, so it cannot carry patient data.
 */
export function closestResourceType(name: string): string | undefined {
  const wanted = name.toLowerCase();
  const budget = Math.max(2, Math.floor(wanted.length / 4));
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const type of FHIR_RESOURCE_TYPES) {
    if (Math.abs(type.length - wanted.length) >= bestDistance) continue;
    const d = editDistance(wanted, type.toLowerCase(), bestDistance);
    if (d < bestDistance) { best = type; bestDistance = d; }
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein with transpositions), given up at `stop`. */
function editDistance(a: string, b: string, stop: number): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
      if (d < least) least = d;
    }
    if (least >= stop) return stop;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}
