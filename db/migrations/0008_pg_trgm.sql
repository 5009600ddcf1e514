-- Trigram matching for name search (ILIKE %…%) in file lists; a trusted extension, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
