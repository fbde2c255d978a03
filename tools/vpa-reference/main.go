// vpa-reference runs upstream VPA (k8s.io/autoscaler/vertical-pod-autoscaler, pinned in go.mod) over a
// scenario file and prints what upstream decides, as JSON, for burstguard's differential test
// (test/unit/policy/vpa-differential.test.ts). It only wires inputs to upstream's own packages: the
// recommender model and estimators, the update-priority calculator, the in-place restriction and the
// patch calculators. The one piece of upstream logic it cannot call is the switch inside the updater's
// RunOnce (pkg/updater/logic/updater.go), which needs a live VPA clientset; mirrorRunOnceInPlace below
// restates that switch for InPlace mode and names the lines it follows.
//
// Usage: vpa-reference <scenario.json>...   (one JSON result per line, in argument order)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"

	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/admission-controller/resource/pod/patch"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/admission-controller/resource/pod/recommendation"
	vpa_types "k8s.io/autoscaler/vertical-pod-autoscaler/pkg/apis/autoscaling.k8s.io/v1"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/features"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/logic"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/model"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/routines"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/updater/inplace"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/updater/priority"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/updater/restriction"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/updater/utils"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/utils/limitrange"
	vpa_api_util "k8s.io/autoscaler/vertical-pod-autoscaler/pkg/utils/vpa"
)

const (
	namespace     = "agents"
	containerName = "agent"
	vpaName       = "agents"
	jobName       = "agents"
)

// Amounts as scenarios write them: whole millicores and bytes, so no side truncates its input.
type amounts struct {
	CPUMillicores int64 `json:"cpuMillicores"`
	MemBytes      int64 `json:"memBytes"`
}

type scenarioPod struct {
	Name     string   `json:"name"`
	StartMs  int64    `json:"startMs"`
	EndMs    *int64   `json:"endMs,omitempty"`
	Requests amounts  `json:"requests"`
	Limits   *amounts `json:"limits,omitempty"`
	// Updater scenarios only.
	Phase             string   `json:"phase,omitempty"`  // Running (default) or Pending
	Resize            string   `json:"resize,omitempty"` // none, deferred, infeasible, in-progress, error
	LastOomStartedMs  *int64   `json:"lastOomStartedMs,omitempty"`
	LastOomFinishedMs *int64   `json:"lastOomFinishedMs,omitempty"`
	InfeasibleAttempt *amounts `json:"infeasibleAttempt,omitempty"`
}

type sample struct {
	Pod           string `json:"pod"`
	TMs           int64  `json:"tMs"`
	CPUMillicores int64  `json:"cpuMillicores"`
	MemBytes      int64  `json:"memBytes"`
}

type oom struct {
	Pod string `json:"pod"`
	TMs int64  `json:"tMs"`
}

type bounds struct {
	Target amounts `json:"target"`
	Lower  amounts `json:"lower"`
	Upper  amounts `json:"upper"`
}

type scenario struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // recommender or updater
	// Recommender scenarios: one recommender loop every LoopEveryS from StartMs, Loops times.
	StartMs    int64         `json:"startMs"`
	LoopEveryS int64         `json:"loopEveryS"`
	Loops      int           `json:"loops"`
	Pods       []scenarioPod `json:"pods"`
	Samples    []sample      `json:"samples"`
	Ooms       []oom         `json:"ooms"`
	// Updater scenarios: one updater loop at NowMs against a given recommendation.
	NowMs             int64   `json:"nowMs"`
	Recommendation    *bounds `json:"recommendation,omitempty"`
	ControlledValues  string  `json:"controlledValues,omitempty"` // RequestsAndLimits (default) or RequestsOnly
	MinReplicas       int     `json:"minReplicas"`
	EvictionTolerance float64 `json:"evictionTolerance"`
}

type loopResult struct {
	TMs int64 `json:"tMs"`
	bounds
}

type podDecision struct {
	Pod string `json:"pod"`
	// Accepted by UpdatePriorityCalculator.AddPod (and still there after GetSortedPods).
	Accepted bool `json:"accepted"`
	// CanInPlaceUpdate's verdict (utils.InPlaceDecision), "" when the pod was never asked.
	Decision string `json:"decision"`
	// Whether the updater loop sends the resize patch, and the resources the patch sets.
	Patched  bool     `json:"patched"`
	Requests *amounts `json:"requests,omitempty"`
	Limits   *amounts `json:"limits,omitempty"`
}

type result struct {
	Scenario string        `json:"scenario"`
	Loops    []loopResult  `json:"loops,omitempty"`
	Order    []string      `json:"order,omitempty"`
	Pods     []podDecision `json:"pods,omitempty"`
	// Admission: what the webhook's recommendation provider writes into each pod at creation.
	Admission []podDecision `json:"admission,omitempty"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: vpa-reference <scenario.json>...")
		os.Exit(2)
	}
	// InPlace is an alpha gate in 1.8; the updater needs it on for updateMode InPlace.
	if err := features.MutableFeatureGate.Set("InPlace=true"); err != nil {
		fail("enable InPlace gate: %v", err)
	}
	out := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		raw, err := os.ReadFile(path)
		if err != nil {
			fail("read %s: %v", path, err)
		}
		var s scenario
		if err := json.Unmarshal(raw, &s); err != nil {
			fail("parse %s: %v", path, err)
		}
		var r result
		switch s.Kind {
		case "recommender":
			r = runRecommender(&s)
		case "updater":
			r = runUpdater(&s)
		default:
			fail("%s: kind must be recommender or updater, got %q", path, s.Kind)
		}
		r.Scenario = s.Name
		if err := out.Encode(r); err != nil {
			fail("write: %v", err)
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "vpa-reference: "+format+"\n", args...)
	os.Exit(1)
}

func ms(t int64) time.Time { return time.UnixMilli(t).UTC() }

// ---- recommender ----

// runRecommender feeds ClusterState as the recommender's RunOnce does (pkg/recommender/input/cluster_feeder.go
// LoadRealTimeMetrics: the loop's samples first, then the OOMs the observer queued) and estimates with the
// default recommender config after every loop.
func runRecommender(s *scenario) result {
	model.InitializeAggregationsConfig(model.NewAggregationsConfig(
		model.DefaultMemoryAggregationInterval, model.DefaultMemoryAggregationIntervalCount,
		model.DefaultMemoryHistogramDecayHalfLife, model.DefaultCPUHistogramDecayHalfLife,
		model.DefaultOOMBumpUpRatio, model.DefaultOOMMinBumpUp))
	cluster := model.NewClusterState(time.Hour)
	selector := labels.SelectorFromSet(labels.Set{"app": "agent"})
	if err := cluster.AddOrUpdateVpa(newVpa(nil), selector); err != nil {
		fail("AddOrUpdateVpa: %v", err)
	}
	vpa := cluster.VPAs()[model.VpaID{Namespace: namespace, VpaName: vpaName}]
	rec := logic.CreatePodResourceRecommender(logic.RecommendationConfig{
		SafetyMarginFraction: 0.15, PodMinCPUMillicores: 25, PodMinMemoryMb: 250,
		TargetCPUPercentile: 0.9, LowerBoundCPUPercentile: 0.5, UpperBoundCPUPercentile: 0.95, ConfidenceIntervalCPU: 24 * time.Hour,
		TargetMemoryPercentile: 0.9, LowerBoundMemoryPercentile: 0.5, UpperBoundMemoryPercentile: 0.95, ConfidenceIntervalMemory: 24 * time.Hour,
	})
	pods := map[string]scenarioPod{}
	for _, p := range s.Pods {
		pods[p.Name] = p
	}
	var res result
	prev := s.StartMs
	for k := 1; k <= s.Loops; k++ {
		now := s.StartMs + int64(k)*s.LoopEveryS*1000
		for _, p := range s.Pods {
			id := model.PodID{Namespace: namespace, PodName: p.Name}
			switch {
			case p.EndMs != nil && *p.EndMs <= prev:
				cluster.DeletePod(id)
			case p.StartMs <= now:
				cluster.AddOrUpdatePod(id, labels.Set{"app": "agent"}, corev1.PodRunning)
				req := model.Resources{model.ResourceCPU: model.ResourceAmount(p.Requests.CPUMillicores), model.ResourceMemory: model.ResourceAmount(p.Requests.MemBytes)}
				if err := cluster.AddOrUpdateContainer(model.ContainerID{PodID: id, ContainerName: containerName}, req); err != nil {
					fail("AddOrUpdateContainer: %v", err)
				}
			}
		}
		for _, smp := range s.Samples {
			if smp.TMs <= prev || smp.TMs > now {
				continue
			}
			id := model.ContainerID{PodID: model.PodID{Namespace: namespace, PodName: smp.Pod}, ContainerName: containerName}
			for _, u := range []model.ContainerUsageSample{
				{MeasureStart: ms(smp.TMs), Usage: model.ResourceAmount(smp.CPUMillicores), Resource: model.ResourceCPU},
				{MeasureStart: ms(smp.TMs), Usage: model.ResourceAmount(smp.MemBytes), Resource: model.ResourceMemory},
			} {
				_ = cluster.AddSample(&model.ContainerUsageSampleWithKey{ContainerUsageSample: u, Container: id})
			}
		}
		for _, o := range s.Ooms {
			if o.TMs <= prev || o.TMs > now {
				continue
			}
			id := model.ContainerID{PodID: model.PodID{Namespace: namespace, PodName: o.Pod}, ContainerName: containerName}
			_ = cluster.RecordOOM(id, ms(o.TMs), model.ResourceAmount(pods[o.Pod].Requests.MemBytes))
		}
		all := rec.GetRecommendedPodResources(routines.GetContainerNameToAggregateStateMap(vpa))
		if r, ok := all[containerName]; ok {
			res.Loops = append(res.Loops, loopResult{TMs: now, bounds: bounds{
				Target: fromModel(r.Target), Lower: fromModel(r.LowerBound), Upper: fromModel(r.UpperBound),
			}})
		}
		prev = now
	}
	return res
}

func fromModel(r model.Resources) amounts {
	return amounts{CPUMillicores: int64(r[model.ResourceCPU]), MemBytes: int64(r[model.ResourceMemory])}
}

// ---- updater ----

func newVpa(b *bounds) *vpa_types.VerticalPodAutoscaler {
	mode := vpa_types.UpdateModeInPlace
	v := &vpa_types.VerticalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: vpaName},
		Spec: vpa_types.VerticalPodAutoscalerSpec{
			TargetRef:    nil,
			UpdatePolicy: &vpa_types.PodUpdatePolicy{UpdateMode: &mode},
		},
	}
	if b != nil {
		v.Status.Recommendation = &vpa_types.RecommendedPodResources{ContainerRecommendations: []vpa_types.RecommendedContainerResources{{
			ContainerName: containerName, Target: toList(b.Target), LowerBound: toList(b.Lower), UpperBound: toList(b.Upper), UncappedTarget: toList(b.Target),
		}}}
	}
	return v
}

func toList(a amounts) corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewMilliQuantity(a.CPUMillicores, resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(a.MemBytes, resource.BinarySI),
	}
}

func fromList(l corev1.ResourceList) *amounts {
	if l == nil {
		return nil
	}
	return &amounts{CPUMillicores: l.Cpu().MilliValue(), MemBytes: l.Memory().Value()}
}

func newPod(p scenarioPod) *corev1.Pod {
	isController := true
	res := corev1.ResourceRequirements{Requests: toList(p.Requests)}
	if p.Limits != nil {
		res.Limits = toList(*p.Limits)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: namespace, Name: p.Name, UID: k8stypes.UID("uid-" + p.Name), Labels: map[string]string{"app": "agent"},
			// Agent sessions are Jobs: upstream counts a Job's live pods as its replicas.
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: jobName, Controller: &isController}},
		},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: containerName, Resources: res}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, StartTime: &metav1.Time{Time: ms(p.StartMs)}},
	}
	if p.Phase == "Pending" {
		pod.Status.Phase = corev1.PodPending
	}
	cs := corev1.ContainerStatus{Name: containerName}
	if p.LastOomStartedMs != nil && p.LastOomFinishedMs != nil {
		cs.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{
			Reason: "OOMKilled", StartedAt: metav1.Time{Time: ms(*p.LastOomStartedMs)}, FinishedAt: metav1.Time{Time: ms(*p.LastOomFinishedMs)},
		}
	}
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
	// The kubelet's resize conditions (KEP-1287), as getResizeStatus reads them.
	switch p.Resize {
	case "deferred", "infeasible":
		reason := corev1.PodReasonDeferred
		if p.Resize == "infeasible" {
			reason = corev1.PodReasonInfeasible
		}
		pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodResizePending, Status: corev1.ConditionTrue, Reason: reason}}
	case "in-progress":
		pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodResizeInProgress, Status: corev1.ConditionTrue}}
	case "error":
		pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodResizeInProgress, Status: corev1.ConditionTrue, Reason: corev1.PodReasonError, Message: "resize failed"}}
	}
	return pod
}

func runUpdater(s *scenario) result {
	if s.Recommendation == nil {
		fail("%s: an updater scenario needs a recommendation", s.Name)
	}
	vpa := newVpa(s.Recommendation)
	if s.ControlledValues == "RequestsOnly" {
		cv := vpa_types.ContainerControlledValuesRequestsOnly
		vpa.Spec.ResourcePolicy = &vpa_types.PodResourcePolicy{ContainerPolicies: []vpa_types.ContainerResourcePolicy{{ContainerName: "*", ControlledValues: &cv}}}
	}
	minReplicas := int32(s.MinReplicas)
	vpa.Spec.UpdatePolicy.MinReplicas = &minReplicas

	pods := make([]*corev1.Pod, 0, len(s.Pods))
	byName := map[string]*corev1.Pod{}
	infeasible := map[k8stypes.UID]*vpa_types.RecommendedPodResources{}
	for _, p := range s.Pods {
		pod := newPod(p)
		pods = append(pods, pod)
		byName[p.Name] = pod
		if p.InfeasibleAttempt != nil {
			infeasible[pod.UID] = &vpa_types.RecommendedPodResources{ContainerRecommendations: []vpa_types.RecommendedContainerResources{{
				ContainerName: containerName, Target: toList(*p.InfeasibleAttempt),
			}}}
		}
	}
	client := fake.NewSimpleClientset()
	for _, p := range pods {
		if err := client.Tracker().Add(p); err != nil {
			fail("add pod: %v", err)
		}
	}
	limits := limitrange.NewNoopLimitsCalculator()
	processor := vpa_api_util.NewCappingRecommendationProcessor(limits)
	provider := recommendation.NewProvider(limits, processor)
	calculators := []patch.Calculator{inplace.NewResourceInPlaceUpdatesCalculator(provider), inplace.NewInPlaceUpdatedCalculator()}
	factory := restriction.NewPodsRestrictionFactory(client, informers.NewSharedInformerFactory(client, 0), s.MinReplicas, s.EvictionTolerance, calculators, false)
	groups, podToGroup, err := factory.GetCreatorMaps(pods, vpa)
	if err != nil {
		fail("GetCreatorMaps: %v", err)
	}
	limiter := factory.NewPodsInPlaceRestriction(groups, podToGroup)

	// pkg/updater/logic/updater.go RunOnce: filterNonInPlaceUpdatablePods, then getPodsUpdateOrder.
	candidates := []*corev1.Pod{}
	for _, pod := range pods {
		d := limiter.CanInPlaceUpdate(pod, vpa, infeasible)
		if d == utils.InPlaceApproved || d == utils.InPlaceInfeasible || d == utils.InPlaceDeferred { // InPlace mode
			candidates = append(candidates, pod)
		}
	}
	calc := priority.NewUpdatePriorityCalculator(vpa, priority.UpdateConfig{
		MinChangePriority: 0.1, PodLifetimeUpdateThreshold: 12 * time.Hour, EvictAfterOOMThreshold: 10 * time.Minute,
	}, processor, priority.NewProcessor())
	for _, pod := range candidates {
		calc.AddPod(pod, ms(s.NowMs), infeasible)
	}
	ordered := calc.GetSortedPods(priority.NewDefaultPodEvictionAdmission())

	var res result
	recorder := record.NewFakeRecorder(1000)
	decisions := map[string]*podDecision{}
	for _, p := range s.Pods {
		decisions[p.Name] = &podDecision{Pod: p.Name}
	}
	for _, pod := range ordered {
		res.Order = append(res.Order, pod.Name)
		d := decisions[pod.Name]
		d.Accepted = true
		decision := limiter.CanInPlaceUpdate(pod, vpa, infeasible)
		d.Decision = decisionName(decision)
		if !mirrorRunOnceInPlace(decision) {
			continue
		}
		if decision == utils.InPlaceInfeasible {
			infeasible[pod.UID] = vpa.Status.Recommendation // updater.recordInfeasibleAttempt
		}
		if err := limiter.InPlaceUpdate(pod, vpa, recorder); err != nil {
			continue // InPlace mode logs the failure and moves on
		}
		d.Patched = true
		d.Requests, d.Limits = resourcesFor(provider, byName[pod.Name], vpa)
	}
	for _, p := range s.Pods {
		res.Pods = append(res.Pods, *decisions[p.Name])
		// The admission controller's view of the same pod at creation (pkg/admission-controller/resource/pod/handler.go
		// runs the same recommendation provider through resource_updates.go's calculator).
		a := podDecision{Pod: p.Name}
		a.Requests, a.Limits = resourcesFor(provider, byName[p.Name], vpa)
		res.Admission = append(res.Admission, a)
	}
	return res
}

// mirrorRunOnceInPlace restates the decision switch of pkg/updater/logic/updater.go RunOnce for updateMode
// InPlace: Deferred falls through to the patch (only InPlaceOrRecreate skips it), Infeasible records the attempt
// and patches, Approved patches, InfeasibleCached and Evict do not.
func mirrorRunOnceInPlace(d utils.InPlaceDecision) bool {
	switch d {
	case utils.InPlaceDeferred, utils.InPlaceInfeasible, utils.InPlaceApproved:
		return true
	default:
		return false
	}
}

func resourcesFor(provider recommendation.Provider, pod *corev1.Pod, vpa *vpa_types.VerticalPodAutoscaler) (*amounts, *amounts) {
	rs, _, err := provider.GetContainersResourcesForPod(pod, vpa)
	if err != nil || len(rs) == 0 {
		return nil, nil
	}
	return fromList(rs[0].Requests), fromList(rs[0].Limits)
}

// decisionName drops the "InPlace" prefix: approved, deferred, evict, infeasible, infeasibleCached.
func decisionName(d utils.InPlaceDecision) string {
	n := strings.TrimPrefix(string(d), "InPlace")
	return strings.ToLower(n[:1]) + n[1:]
}
