-- Đi làm việc ở nước ngoài theo hợp đồng: a worker's contract abroad, from
-- registration through training and the language test to departure, the
-- contract's end, and return on time or overstay. A departure is a job created.
CREATE TABLE abroad_contracts (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL,
    ward_code TEXT NOT NULL,
    -- ISO 3166 alpha-2.
    country TEXT NOT NULL,
    -- eps_korea | jp_technical_intern | jp_specified_skilled | other
    programme TEXT NOT NULL,
    registered_on DATE NOT NULL,
    training_on DATE,
    test_passed_on DATE,
    departed_on DATE,
    contract_end DATE,
    returned_on DATE,
    overstay_on DATE,
    placement_id BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX abroad_contracts_registered ON abroad_contracts(province_code, registered_on);
CREATE INDEX abroad_contracts_person ON abroad_contracts(province_code, person_id);
