import { z } from 'zod';

/**
 * RuntimeClasses whose sandboxes cannot resize a running pod in place: gVisor (runsc) fixes the
 * sandbox's resources at start, Kata VMs (and peer pods, a VM per pod outside the node) are sized
 * at boot. Names as commonly installed; the list is the user's to edit.
 */
export const DEFAULT_UNRESIZABLE_RUNTIME_CLASSES = ['gvisor', 'runsc', 'kata', 'kata-qemu', 'kata-clh', 'kata-fc', 'kata-remote', 'kata-cc', 'peer-pods'];

/** What burstguard checks before any resize PATCH (src/adapters/kube/resize-safety.ts). */
export const resizeSafetySchema = z
  .strictObject({
    allowMemoryRestart: z
      .boolean()
      .prefault(false)
      .describe(
        "Resize memory even when the container's resizePolicy for memory is RestartContainer (the kubelet then restarts it, losing the agent's in-memory state; the Event says so). Off: such memory changes are refused.",
      ),
    unresizableRuntimeClasses: z
      .array(z.string().min(1))
      .prefault(DEFAULT_UNRESIZABLE_RUNTIME_CLASSES)
      .describe('RuntimeClass names whose pods cannot resize in place (gVisor, Kata, peer pods): such pods are skipped.'),
    staticCpuManager: z
      .boolean()
      .prefault(false)
      .describe("Set when the nodes run the kubelet's static CPU manager policy: Guaranteed pods with whole-CPU requests hold exclusive CPUs and are skipped."),
    staticMemoryManager: z
      .boolean()
      .prefault(false)
      .describe("Set when the nodes run the kubelet's Static memory manager policy: Guaranteed pods are pinned to NUMA memory and are skipped."),
    nodeSwap: z
      .boolean()
      .prefault(false)
      .describe('Set when the nodes enable swap (LimitedSwap): Burstable pods may swap, the kubelet refuses their memory resizes, and they are skipped.'),
  })
  .prefault({})
  .describe('Pods and changes that must not be resized in place, checked before any PATCH (skipped with a reason and burstguard_skipped_pods_total).');

/** The parsed section. */
export type ResizeSafetyConfig = z.output<typeof resizeSafetySchema>;
