// Stand-in for the CUDA SDK header of this name: clang's __clang_cuda_intrinsics.h includes it after defining the
// sm_70 __match*_sync functions. Nothing the kernels use lives in it, so it is empty.
