module example.com/fixtures/variants

go 1.27
