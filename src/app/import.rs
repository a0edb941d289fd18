//! Importing loans and payments from CSV.
