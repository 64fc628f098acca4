package lackey.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudFormationYamlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void refBecomesLongForm() throws IOException {
        assertEquals(json("{'A': {'Ref': 'RunsTable'}}"), CloudFormationYaml.parse("A: !Ref RunsTable"));
    }

    @Test
    void getAttSplitsAtTheFirstDot() throws IOException {
        assertEquals(json("{'A': {'Fn::GetAtt': ['RunsTable', 'Arn']}}"),
                CloudFormationYaml.parse("A: !GetAtt RunsTable.Arn"));
        assertEquals(json("{'A': {'Fn::GetAtt': ['Db', 'Endpoint.Address']}}"),
                CloudFormationYaml.parse("A: !GetAtt Db.Endpoint.Address"));
        assertEquals(json("{'A': {'Fn::GetAtt': ['Db', 'Endpoint.Address']}}"),
                CloudFormationYaml.parse("A: !GetAtt [Db, Endpoint.Address]"));
    }

    @Test
    void getAttWithoutAttributeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CloudFormationYaml.parse("A: !GetAtt RunsTable"));
    }

    @Test
    void subKeepsScalarAndSequenceForms() throws IOException {
        assertEquals(json("{'A': {'Fn::Sub': '${RunsBucket.Arn}/logs/*'}}"),
                CloudFormationYaml.parse("A: !Sub ${RunsBucket.Arn}/logs/*"));
        assertEquals(json("{'A': {'Fn::Sub': ['${X}-${Y}', {'Y': {'Ref': 'AWS::Region'}}]}}"),
                CloudFormationYaml.parse("A: !Sub\n  - ${X}-${Y}\n  - Y: !Ref AWS::Region"));
    }

    @Test
    void nestedFunctionsBecomeLongForms() throws IOException {
        String yaml = """
                Conditions:
                  HasSpec: !Not [!Equals [!Ref Spec, '']]
                  Both: !And [!Condition HasSpec, !Or [!Condition A, !Condition B]]
                Value: !If [HasSpec, !Join ['', [a, !Select [0, !Split [',', 'x,y']]]], !Ref AWS::NoValue]
                Zone: !Select [0, !GetAZs '']
                Mapped: !FindInMap [Map, !Ref AWS::Region, Key]
                Imported: !ImportValue shared-vpc
                Encoded: !Base64 hello
                Cidrs: !Cidr [10.0.0.0/16, 4, 8]
                """;
        JsonNode expected = json("""
                {'Conditions': {
                   'HasSpec': {'Fn::Not': [{'Fn::Equals': [{'Ref': 'Spec'}, '']}]},
                   'Both': {'Fn::And': [{'Condition': 'HasSpec'}, {'Fn::Or': [{'Condition': 'A'}, {'Condition': 'B'}]}]}},
                 'Value': {'Fn::If': ['HasSpec',
                     {'Fn::Join': ['', ['a', {'Fn::Select': [0, {'Fn::Split': [',', 'x,y']}]}]]},
                     {'Ref': 'AWS::NoValue'}]},
                 'Zone': {'Fn::Select': [0, {'Fn::GetAZs': ''}]},
                 'Mapped': {'Fn::FindInMap': ['Map', {'Ref': 'AWS::Region'}, 'Key']},
                 'Imported': {'Fn::ImportValue': 'shared-vpc'},
                 'Encoded': {'Fn::Base64': 'hello'},
                 'Cidrs': {'Fn::Cidr': ['10.0.0.0/16', 4, 8]}}
                """);
        assertEquals(expected, CloudFormationYaml.parse(yaml));
    }

    @Test
    void scalarsKeepTheirYamlTypes() {
        JsonNode node = CloudFormationYaml.parse("""
                MemorySize: 1024
                Enabled: true
                Quoted: '1024'
                Ratio: 0.5
                Version: 2012-10-17
                Empty:
                """);
        assertTrue(node.get("MemorySize").isInt());
        assertTrue(node.get("Enabled").isBoolean());
        assertTrue(node.get("Quoted").isTextual());
        assertTrue(node.get("Ratio").isDouble());
        // YAML 1.1 would make this a timestamp; CloudFormation keeps the policy version as text.
        assertEquals("2012-10-17", node.get("Version").textValue());
        assertTrue(node.get("Empty").isNull());
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CloudFormationYaml.parse("A: 1\nA: 2\n"));
    }

    @Test
    void unknownTagsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CloudFormationYaml.parse("A: !Reference X"));
    }

    @Test
    void readRequiresATopLevelMappingAndNamesTheFile(@TempDir Path folder) throws IOException {
        Path list = folder.resolve("list.yaml");
        Files.writeString(list, "- a\n- b\n");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> CloudFormationYaml.read(list));
        assertTrue(error.getMessage().contains("list.yaml"), error.getMessage());
    }

    @Test
    void readsTheProjectTemplate() {
        JsonNode template = CloudFormationYaml.read(ProjectFiles.template());
        assertEquals("AWS::Serverless-2016-10-31", template.path("Transform").asText());
        assertEquals(ref("RunsTable"),
                template.at("/Globals/Function/Environment/Variables/LACKEY_TABLE"));
    }

    private static JsonNode ref(String logicalId) {
        return JSON.createObjectNode().put("Ref", logicalId);
    }
}
