x = 0x1F + 0o17'''from microgard.engi1''nlue

a''' from micr1
