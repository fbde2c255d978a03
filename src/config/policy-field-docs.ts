/**
 * One-line meanings of the policy options, for docs/configuration.md (the options' JSDoc in
 * src/policy/ is the authority; this is its summary, since JSDoc is not available at run time).
 * A field missing here is still documented with its default and a pointer to its source file.
 */
export const POLICY_FIELD_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  static: {
    requests: 'Fixed requests (memory, cpu) every managed pod is given.',
    limits: 'Fixed limits (memory, cpu) every managed pod is given.',
  },
  vpa: {
    targetPercentile: 'Percentile of the usage histogram used as target.',
    lowerBoundPercentile: 'Percentile used as lower bound.',
    upperBoundPercentile: 'Percentile used as upper bound.',
    safetyMarginFraction: 'Margin added to the recommendation (VPA --recommendation-margin-fraction).',
    podMinCpuCores: 'Smallest CPU recommendation (cores or quantity).',
    podMinMemoryBytes: 'Smallest memory recommendation (bytes or quantity).',
    cpuHistogramDecayHalfLifeS: 'Half-life of the CPU histogram decay, seconds.',
    memoryHistogramDecayHalfLifeS: 'Half-life of the memory histogram decay, seconds.',
    memoryAggregationIntervalS: 'One memory peak per container per interval, seconds.',
    oomBumpUpRatio: 'After an OOM kill, memory is raised at least by this ratio.',
    oomMinBumpUpBytes: 'After an OOM kill, memory is raised at least by this much (bytes or quantity).',
    recommenderIntervalS: 'Recommender loop period, seconds.',
    updaterIntervalS: 'Updater loop period, seconds.',
    podUpdateThreshold: 'Relative difference below which a pod is not updated.',
    podLifetimeUpdateThresholdS: 'Pods younger than this are updated only when out of bounds, seconds.',
    evictAfterOomThresholdS: 'An OOM within this time of the start makes a pod eligible for update, seconds.',
    minReplicas: 'Groups with fewer live pods are left alone.',
    evictionTolerance: 'Share of a group that may be disrupted per updater loop (does not limit InPlace updates, as upstream).',
    emulateAdmission: 'Bench: a pod created while its class has a recommendation starts with the target (the admission controller).',
  },
  reactive: {
    thresholdFraction: 'Usage above this fraction of the limit triggers a raise.',
    growFactor: 'A raise (and an OOM kill) multiplies the limit by this factor.',
    lowFraction: 'Usage below this fraction of the limit counts as low.',
    lowForS: 'Usage must stay low this long before a shrink, seconds.',
    shrinkHeadroom: 'A shrink sets the limit to the low-period peak times this factor.',
  },
  predictive: {
    riskBudget: 'Accepted probability that memory passes the limit before the next action lands (per pod and horizon).',
    cpuRiskBudget: 'The same for CPU (throttled, not killed, so looser).',
    horizonS: 'Seconds from a scrape until an action based on it is in force (lag + tick + resize latency).',
    requestMarginFraction: 'Memory requests sit this fraction above the expected usage.',
    cpuRequestMarginFraction: 'CPU requests sit this fraction above the expected usage.',
    usageMarginFraction: 'Limits never go below the last observed usage plus this fraction.',
    limitHoldHalfLifeS: 'A raised limit decays back towards the target with this half-life, seconds.',
    priorFloorWeight: "Minimum weight of the prior's burst tails against scraped history.",
    residualWindow: 'Forecast residuals kept per agent class for calibration.',
    refreshEvery: "Re-solve a class's tails after this many new outcomes.",
    calibrationPriorN: 'Pseudo-count shrinking the calibration correction while few residuals exist.',
    scaleHorizonS: 'KEDA pre-warm: seconds ahead the session-arrival forecast looks (polling + HPA + cold start).',
    arrivalQuantile: 'KEDA pre-warm: quantile of the arrivals forecast the warm replicas cover.',
    sessionsPerReplica: 'KEDA pre-warm: sessions one worker replica runs at once.',
    scaleCooldownS: 'KEDA pre-warm: a raised minReplicaCount is held this long after the forecast last asked for it, seconds.',
    prewarmBurstIndex: 'KEDA pre-warm: pre-warm only while fast/slow arrival rate is at least this (0: always keep a forecast buffer).',
    arrivalFastTauS: 'Time constant of the fast session-arrival rate, seconds.',
    arrivalSlowTauS: 'Time constant of the slow (long-run) session-arrival rate and of the dispersion, seconds.',
  },
};
