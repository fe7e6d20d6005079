// A tiny kernel for the device self-test, which alone compiles it: data[i] += value for i < n (fp32).
// It waits on griddepcontrol first, so it is also correct when launched as a programmatic dependent
// of the kernel before it (cuLaunchKernelEx with programmatic stream serialization, Hopper and later).
extern "C" __global__ void add_scalar_f32(float* __restrict__ data, float value, int n)
{
#if defined(__CUDA_ARCH__) && (__CUDA_ARCH__ >= 900)
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) data[i] += value;
}
