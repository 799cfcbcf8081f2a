// Stable family and link codes shared by all kernels. They must equal the C# enums
// FastGlmm.Families.FamilyId and LinkId (src/FastGlmm/Families/FamilyId.cs); never renumber.
#pragma once

enum fg_family {
    FG_FAMILY_GAUSSIAN = 1,
    FG_FAMILY_BINOMIAL = 2,
    FG_FAMILY_POISSON  = 3,
    FG_FAMILY_GAMMA    = 4,
    // Reserved: the negative binomial is fitted by its own CPU path; no kernel implements it yet.
    FG_FAMILY_NEGATIVEBINOMIAL2 = 5,
    FG_FAMILY_NEGATIVEBINOMIAL1 = 6,
    FG_FAMILY_TRUNCATEDPOISSON = 7,
    FG_FAMILY_TRUNCATEDNEGATIVEBINOMIAL2 = 8,
    FG_FAMILY_TRUNCATEDNEGATIVEBINOMIAL1 = 9,
    FG_FAMILY_BETA = 10,
    FG_FAMILY_TWEEDIE = 11,
    FG_FAMILY_INVERSEGAUSSIAN = 12
};

enum fg_link {
    FG_LINK_IDENTITY = 1,
    FG_LINK_LOG      = 2,
    FG_LINK_LOGIT    = 3,
    FG_LINK_PROBIT   = 4,
    FG_LINK_CLOGLOG  = 5,
    FG_LINK_INVERSE  = 6,
    FG_LINK_SQRT     = 7,
    FG_LINK_CAUCHIT  = 8,
    FG_LINK_INVERSESQUARE = 9 // R's 1/mu^2
};
