namespace QwenVL.Cuda.Interop;

/// <summary>nvrtcResult, with the names nvrtcGetErrorString gives them.</summary>
public enum NvrtcResult
{
    Success = 0,
    OutOfMemory = 1,
    ProgramCreationFailure = 2,
    InvalidInput = 3,
    InvalidProgram = 4,
    InvalidOption = 5,
    Compilation = 6,
    BuiltinOperationFailure = 7,
    NoNameExpressionsAfterCompilation = 8,
    NoLoweredNamesBeforeCompilation = 9,
    NameExpressionNotValid = 10,
    InternalError = 11,
    TimeFileWriteFailed = 12,
}

internal static class NvrtcResultNames
{
    public static string Of(NvrtcResult result) => result switch
    {
        NvrtcResult.Success => "NVRTC_SUCCESS",
        NvrtcResult.OutOfMemory => "NVRTC_ERROR_OUT_OF_MEMORY",
        NvrtcResult.ProgramCreationFailure => "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        NvrtcResult.InvalidInput => "NVRTC_ERROR_INVALID_INPUT",
        NvrtcResult.InvalidProgram => "NVRTC_ERROR_INVALID_PROGRAM",
        NvrtcResult.InvalidOption => "NVRTC_ERROR_INVALID_OPTION",
        NvrtcResult.Compilation => "NVRTC_ERROR_COMPILATION",
        NvrtcResult.BuiltinOperationFailure => "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        NvrtcResult.NoNameExpressionsAfterCompilation => "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
        NvrtcResult.NoLoweredNamesBeforeCompilation => "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        NvrtcResult.NameExpressionNotValid => "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
        NvrtcResult.InternalError => "NVRTC_ERROR_INTERNAL_ERROR",
        NvrtcResult.TimeFileWriteFailed => "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
        _ => $"NVRTC_ERROR_{(int)result}",
    };
}
