//! placeholder until the macro exists
